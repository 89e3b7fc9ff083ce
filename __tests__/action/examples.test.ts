import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { parseSettings, type RawSettings } from '../../src/core/settings.js'

const declared = Object.keys(
  (parse(readFileSync('action.yml', 'utf8')) as { inputs: object }).inputs
)
const dir = 'examples/workflows'
type Step = { uses?: string; with?: Record<string, unknown> }
type Workflow = { jobs: Record<string, { steps: Step[] }> }

const joulegateSteps = readdirSync(dir)
  .filter((f) => f.endsWith('.yml'))
  .flatMap((file) => {
    const wf = parse(readFileSync(join(dir, file), 'utf8')) as Workflow
    return Object.values(wf.jobs)
      .flatMap((job) => job.steps)
      .filter((s) => s.uses === './' || s.uses?.startsWith('joulegate/joulegate@'))
      .map((step) => ({ file, step }))
  })

describe('example workflows', () => {
  it('cover the four modes', () => {
    const modes = new Set(joulegateSteps.map(({ step }) => step.with?.['mode'] ?? 'check'))
    expect([...modes].sort()).toEqual(['calibrate', 'check', 'record', 'report'])
  })

  it.each(joulegateSteps)('$file passes only declared inputs that parse', ({ step }) => {
    const inputs = Object.fromEntries(
      Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)])
    )
    for (const key of Object.keys(inputs)) expect(declared).toContain(key)
    // ${{ }} expressions are filled by the runner; only literal values are checked here.
    const literal = Object.fromEntries(Object.entries(inputs).filter(([, v]) => !v.includes('${{')))
    expect(() => parseSettings(literal as RawSettings)).not.toThrow()
  })

  it('the fork-safe report judges in a checkout of the base repository and can set a status', () => {
    const wf = parse(readFileSync(join(dir, 'fork-safe-report.yml'), 'utf8')) as Workflow & {
      permissions: Record<string, string>
    }
    const steps = Object.values(wf.jobs).flatMap((job) => job.steps)
    const checkout = steps.findIndex((s) => s.uses?.startsWith('actions/checkout@'))
    const report = steps.findIndex((s) => s.with?.['mode'] === 'report')
    expect(checkout).toBeGreaterThanOrEqual(0)
    expect(checkout).toBeLessThan(report)
    // the default branch, never the pull request's head
    expect(String(steps[checkout]?.with?.['ref'])).toContain('default_branch')
    expect(wf.permissions['statuses']).toBe('write')
  })
})

describe('the matrix example', () => {
  type Job = { needs?: string; steps: Step[]; strategy?: { matrix: { runner: string[] } } }
  const wf = parse(readFileSync(join(dir, 'matrix-gpus.yml'), 'utf8')) as {
    jobs: Record<string, Job>
  }
  const jobs = Object.entries(wf.jobs)
  const matrix = jobs.find(([, j]) => j.strategy)
  const joiner = jobs.find(([, j]) => j.needs)

  it('matrix jobs measure without commenting; one join job reports them all in one comment', () => {
    const measure = matrix![1].steps.find((s) => s.with?.['mode'] === 'check')!
    expect(measure.with?.['comment']).toBe('never')
    expect(matrix![1].strategy!.matrix.runner.length).toBeGreaterThan(1)
    expect(joiner![1].needs).toBe(matrix![0])
    const steps = joiner![1].steps
    const download = steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!
    const report = steps.find((s) => s.with?.['mode'] === 'report')!
    // the pattern reads where the artifacts were downloaded, and the series fall under its name
    expect(String(report.with?.['result-file'])).toMatch(
      new RegExp(`^${String(download.with?.['path'])}/\\*\\*/`)
    )
    expect(String(measure.with?.['name'])).toMatch(new RegExp(`^${String(report.with?.['name'])}-`))
    // the budget of the base commit judges the change
    const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout@'))!
    expect(String(checkout.with?.['ref'])).toContain('base.sha')
  })
})
