// Mode report over a matrix, in-process as the runner drives it (INPUT_*, GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY, GITHUB_API_URL -> the GitHub stand-in), with the real report pipeline:
// three result files laid out as actions/download-artifact leaves them are judged against a
// budget file and a history folder, and become one comment.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openFolderStore } from '../../src/adapters/store/folder-backend.js'
import { run } from '../../src/action/main.js'
import { jobs, type Jobs } from '../../src/action/jobs.js'
import { commentMarker } from '../../src/core/report/comment-selection.js'
import { CHECK_RESULT_SCHEMA } from '../../src/core/types.js'
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js'
import { makeRecord } from '../core/judge/fixtures.js'

let dir = ''
let stub: GitHubStub
let stdout = ''
const realWrite = process.stdout.write.bind(process.stdout)
const GLOB = 'results/**/joulegate-result.json'

/** The real jobs; only the data branch is a folder of the same layout. */
const port = (): Jobs => ({
  ...jobs,
  openStore: async () => openFolderStore(join(dir, 'data-branch'))
})

const RUNNERS = [
  { runner: 'a100', gpu: 'NVIDIA A100-SXM4-40GB', kwh: 0.0135 },
  { runner: 'h100', gpu: 'NVIDIA H100 80GB HBM3', kwh: 0.0102 },
  { runner: 'a40', gpu: 'NVIDIA A40', kwh: 0.0098 }
]

function record(series: string, gpu: string, kwh: number, commit: string) {
  const r = makeRecord({ kwh, commit, repeat: { n: 5, cv: 0.01 } })
  r.measurement.components[0]!.name = gpu
  r.measurement.host.gpus = [gpu]
  return { ...r, series, runner: `gpu-node-${series}` }
}

async function lay(
  runners: { runner: string; gpu: string; kwh: number; exitCode?: number }[] = RUNNERS
): Promise<void> {
  const store = openFolderStore(join(dir, 'data-branch'))
  for (const r of runners) {
    const series = `pr-${r.runner}`
    await store.appendRecord(series, record(series, r.gpu, 0.01, 'b1'))
    const folder = join(dir, 'results', `joulegate-${r.runner}`)
    mkdirSync(folder, { recursive: true })
    const measured = record(series, r.gpu, r.kwh, 'h1')
    if (r.exitCode !== undefined) measured.measurement.exitCode = r.exitCode
    writeFileSync(
      join(folder, 'joulegate-result.json'),
      JSON.stringify({
        schema: CHECK_RESULT_SCHEMA,
        series,
        // what the matrix job's own run judged; never trusted here
        verdict: 'pass',
        budget: { energyIncrease: 50 },
        record: measured,
        github: { pullRequest: 7 }
      })
    )
  }
}

function setup(inputs: Record<string, string>): void {
  const eventPath = join(dir, 'event.json')
  writeFileSync(
    eventPath,
    JSON.stringify({
      pull_request: {
        number: 7,
        base: { sha: 'b1', repo: { full_name: 'octo/ml' } },
        head: { sha: 'h1', repo: { full_name: 'octo/ml' } }
      }
    })
  )
  for (const f of ['output', 'summary']) writeFileSync(join(dir, f), '')
  mkdirSync(join(dir, '.github'), { recursive: true })
  writeFileSync(join(dir, '.github', 'joulegate.yml'), 'budget:\n  energy-increase: 10%\n')
  Object.assign(process.env, {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_API_URL: stub.url,
    GITHUB_REPOSITORY: 'octo/ml',
    GITHUB_SHA: 'h1',
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: join(dir, 'tmp')
  })
  const all = { mode: 'report', name: 'pr', 'github-token': 'ghs_default', ...inputs }
  for (const [k, v] of Object.entries(all)) process.env[`INPUT_${k.toUpperCase()}`] = v
}

function outputs(): Record<string, string> {
  const text = readFileSync(join(dir, 'output'), 'utf8')
  const out: Record<string, string> = {}
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm))
    out[m[1] as string] = m[3] as string
  return out
}

const rows = (body: string): string[] => body.split('\n').filter((l) => /^\| pr-/.test(l))
const writes = (): string[] =>
  stub.requests.filter((r) => r.method === 'POST' || r.method === 'PATCH').map((r) => r.method)

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jg-matrix-'))
  stub = await startGitHubStub({
    tokens: { ghs_default: { login: 'github-actions[bot]', type: 'Bot' } }
  })
  // another author quoting the marker, and an earlier per-runner comment of ours: neither is taken
  stub.addComment(7, `${commentMarker('pr')}\nquoted by a person`, { login: 'alice', type: 'User' })
  stub.addComment(7, `${commentMarker('pr-a100')}\nper-runner`, {
    login: 'github-actions[bot]',
    type: 'Bot'
  })
  stdout = ''
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk)
    return true
  }) as typeof process.stdout.write
})

afterEach(async () => {
  process.stdout.write = realWrite
  process.exitCode = undefined
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key]
  await stub.close()
})

describe('mode report with a result-file pattern', () => {
  it('three result files give exactly one comment with three rows, verdict fail first', async () => {
    await lay()
    setup({ 'result-file': GLOB })
    await run(port())
    expect(writes()).toEqual(['POST'])
    const comments = stub.comments(7)
    expect(comments).toHaveLength(3)
    expect(comments.slice(0, 2).map((c) => c.body)).toEqual([
      `${commentMarker('pr')}\nquoted by a person`,
      `${commentMarker('pr-a100')}\nper-runner`
    ])
    const body = comments[2]!.body
    const lines = body.split('\n')
    expect(lines[0]).toBe(commentMarker('pr'))
    expect(lines[1]).toBe(
      '❌ 1 of 3 runners over budget — A100-SXM4-40GB: Energy +35% (budget +10.0%)'
    )
    expect(rows(body)).toHaveLength(3)
    expect(rows(body).map((r) => r.split(' | ').at(-1))).toEqual([
      '❌ fail |',
      '✅ pass |',
      '✅ pass |'
    ])
    expect(body.match(/^<details><summary>\S+ pr-/gm)).toHaveLength(3)
    // re-judged with the checkout's budget, not the 5000% the files carried
    expect(body).toMatch(/Judged on the trusted side/)
    expect(process.exitCode).toBe(1)
    expect(stdout).toMatch(
      /::error::joulegate: verdict fail for series pr \(joulegate \(pr\): FAIL: 1 of 3/
    )
    const out = outputs()
    expect(out['verdict']).toBe('fail')
    expect(Number(out['energy-kwh'])).toBeCloseTo(0.0335, 6)
    expect(Number(out['energy-delta-percent'])).toBeCloseTo(35, 0)
    expect(rows(readFileSync(join(dir, 'summary'), 'utf8'))).toHaveLength(3)
    const result = JSON.parse(readFileSync(out['result'] as string, 'utf8'))
    expect(result.runners.map((r: { series: string }) => r.series)).toEqual([
      'pr-a100',
      'pr-a40',
      'pr-h100'
    ])
  })

  it('updates the same comment on the next run and passes when every runner does', async () => {
    await lay()
    setup({ 'result-file': GLOB })
    await run(port())
    process.exitCode = undefined
    await lay(RUNNERS.map((r) => ({ ...r, kwh: 0.0101 })))
    await run(port())
    expect(writes()).toEqual(['POST', 'PATCH'])
    expect(stub.comments(7)).toHaveLength(3)
    expect(stub.comments(7)[2]!.body.split('\n')[1]).toMatch(/^✅ All 3 runners within budget/)
    expect(process.exitCode).toBeUndefined()
    expect(outputs()['verdict']).toBe('pass')
  })

  it('a runner whose training crashed fails the matrix, and the first line says it failed', async () => {
    await lay(RUNNERS.map((r) => (r.runner === 'h100' ? { ...r, kwh: 0.002, exitCode: 1 } : r)))
    setup({ 'result-file': GLOB, 'fail-on-budget': 'false' })
    await run(port())
    const body = stub.comments(7)[2]!.body
    expect(body.split('\n')[1]).toMatch(
      /^❌ 2 of 3 runners failed — A100-SXM4-40GB: Energy \+35% \(budget \+10\.0%\); 1 more below$/
    )
    expect(rows(body).find((r) => r.startsWith('| pr-h100'))).toMatch(/❌ fail \|$/)
    expect(body).toMatch(/<summary>❌ pr-h100: fail — the training command failed \(exit 1\)/)
    // fail-on-budget: false leaves the step green, the verdict output still says fail
    expect(process.exitCode).toBeUndefined()
    expect(outputs()['verdict']).toBe('fail')
  })

  it('a pattern that matches nothing names the input and the pattern', async () => {
    setup({ 'result-file': 'artifacts/**/joulegate-result.json' })
    await run(port())
    expect(process.exitCode).toBe(1)
    expect(stdout).toMatch(
      /::error::joulegate: result-file: got "artifacts\/\*\*\/joulegate-result.json", expected a pattern matching at least one result JSON/
    )
    expect(writes()).toEqual([])
  })

  it('a result outside the matrix prefix, or a malformed one, is refused naming its file', async () => {
    await lay()
    const forged = join(dir, 'results', 'joulegate-a40', 'joulegate-result.json')
    const raw = JSON.parse(readFileSync(forged, 'utf8'))
    writeFileSync(forged, JSON.stringify({ ...raw, series: 'main-a40' }))
    setup({ 'result-file': GLOB })
    await run(port())
    expect(stdout).toMatch(
      /::error::joulegate: result-file results\/joulegate-a40\/joulegate-result.json series: got "main-a40", expected the series "pr" or one starting with "pr-"/
    )
    raw.record.measurement.energyJ = 'lots'
    writeFileSync(forged, JSON.stringify(raw))
    await run(port())
    expect(stdout).toMatch(
      /::error::joulegate: results\/joulegate-a40\/joulegate-result.json: result-file \/record\/measurement\/energyJ: got "lots"/
    )
    expect(writes()).toEqual([])
  })
})
