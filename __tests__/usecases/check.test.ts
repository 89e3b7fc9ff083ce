import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openFolderStore } from '../../src/adapters/store/folder-backend.js'
import { parseSettings } from '../../src/core/settings.js'
import type { Measurement } from '../../src/core/types.js'
import { runCheck } from '../../src/usecases/check.js'
import { checkMeasured, scaled } from './recorded-run.js'
import { readRunEnv } from '../../src/usecases/run-env.js'

const root = mkdtempSync(join(tmpdir(), 'jg-check-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const check = (dir: string, measurement: Measurement, extra: Record<string, string> = {}) =>
  checkMeasured(
    { 'idle-seconds': '0', ...extra },
    { cwd: dir, store: openFolderStore(join(dir, 'store')) },
    measurement
  )

function project(name: string, budget: string | null): string {
  const dir = join(root, name)
  mkdirSync(join(dir, '.github'), { recursive: true })
  if (budget !== null) writeFileSync(join(dir, '.github', 'joulegate.yml'), budget)
  return dir
}

describe('runCheck on a recorded measurement', () => {
  it.each([
    {
      name: 'a cheaper run that crashed is a fail, not a saving',
      exit: { exitCode: 3 },
      verdict: 'fail',
      headline: /failed \(exit 3\)/
    },
    {
      name: 'a cancelled run is not judged',
      exit: { exitCode: null, signal: 'SIGINT', interrupted: true },
      verdict: 'inconclusive',
      headline: /cancelled/
    },
    {
      name: 'a cheaper run that finished passes',
      exit: {},
      verdict: 'pass',
      // the deciding figure and its limit, in words: 30% of the base's energy, 10% allowed
      headline: /Pass:\*\* energy 70% below base \(−[\d.]+ (J|Wh)\); budget allows \+10%/
    }
  ])('$name', async ({ exit, verdict, headline }) => {
    const dir = project(`p-${verdict}`, 'budget:\n  energy-increase: 10%\n')
    await check(dir, scaled(1), { record: 'true' })
    const outcome = await check(dir, scaled(0.3, exit as Partial<Measurement>))
    expect(outcome.verdict).toBe(verdict)
    expect(outcome.report.split('\n').slice(0, 3).join('\n')).toMatch(headline)
  })

  it('finds the budget next to the command before the repository root', async () => {
    const dir = project('mono', 'budget:\n  energy-increase: 50%\n')
    const sub = join(dir, 'sub')
    mkdirSync(join(sub, '.github'), { recursive: true })
    writeFileSync(join(sub, '.github', 'joulegate.yml'), 'budget:\n  energy-increase: 10%\n')
    const store = openFolderStore(join(dir, 'store'))
    const ctx = {
      cwd: sub,
      workspace: dir,
      baseSha: null,
      headSha: null,
      store,
      env: readRunEnv(process.env),
      log: () => undefined,
      argv: ['true']
    }
    await runCheck(parseSettings({ record: 'true' }), { ...ctx, measurement: scaled(1) })
    const outcome = await runCheck(parseSettings({}), { ...ctx, measurement: scaled(1.3) })
    expect(outcome.verdict).toBe('fail')
  })

  it('names a budget file the user gave that does not exist', async () => {
    const dir = project('missing', null)
    await expect(check(dir, scaled(1), { 'budget-file': 'nope.yml' })).rejects.toThrow(
      /budget-file: "nope.yml" not found/
    )
  })
})
