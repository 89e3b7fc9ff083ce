// Mode report's pipeline half: a result file from an untrusted run (a fork's) is judged with the
// budget of the reporting checkout and the baseline of the store, whatever the file carries.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openFolderStore } from '../../src/adapters/store/folder-backend.js'
import type { Store } from '../../src/adapters/store/store.js'
import { parseSettings } from '../../src/core/settings.js'
import { runReport } from '../../src/usecases/report-result.js'
import { checkMeasured, scaled } from './recorded-run.js'
import { readRunEnv } from '../../src/usecases/run-env.js'

const root = mkdtempSync(join(tmpdir(), 'jg-report-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function project(name: string, budget: string | null): string {
  const dir = join(root, name)
  mkdirSync(join(dir, '.github'), { recursive: true })
  if (budget !== null) writeFileSync(join(dir, '.github', 'joulegate.yml'), budget)
  return dir
}

let trusted = ''
let store: Store
/** what a fork uploads: 1.8x the baseline's energy, measured under its own 5000% budget */
let forged: Record<string, unknown>

beforeAll(async () => {
  trusted = project('base-checkout', 'budget:\n  energy-increase: 10%\n')
  store = openFolderStore(join(root, 'data-branch'))
  await checkMeasured({ record: 'true' }, { cwd: trusted, store }, scaled(1))
  const fork = project('fork-checkout', 'budget:\n  energy-increase: 5000%\n')
  const forkStore = openFolderStore(join(root, 'fork-store'))
  // the fork's own "baseline": a record at 100x, so its run reads as -98%
  await checkMeasured({ record: 'true' }, { cwd: fork, store: forkStore }, scaled(100))
  const measured = await checkMeasured({}, { cwd: fork, store: forkStore }, scaled(1.8))
  expect(measured.verdict).toBe('pass')
  forged = JSON.parse(JSON.stringify(measured.result)) as Record<string, unknown>
})

const report = (raw: unknown, dir = trusted) =>
  runReport(raw, parseSettings({ mode: 'report' }), {
    cwd: dir,
    workspace: dir,
    baseSha: null,
    headSha: null,
    store,
    env: readRunEnv(process.env),
    log: () => undefined
  })

describe('runReport judges on the trusted side', () => {
  it("fails a forged pass: the base checkout's budget and the store's baseline decide", async () => {
    const out = await report(forged)
    expect(out.verdict).toBe('fail')
    expect(out.energyDeltaPercent).toBeGreaterThan(50)
    expect(out.report).toMatch(/Judged on the trusted side/)
    expect(out.report).not.toMatch(/5000/)
  })

  it('refuses a non-numeric energy, naming the field and the value', async () => {
    const raw = JSON.parse(JSON.stringify(forged)) as { record: { measurement: object } }
    raw.record.measurement = { ...raw.record.measurement, energyJ: 'lots' }
    await expect(report(raw)).rejects.toThrow(
      /result-file \/record\/measurement\/energyJ: got "lots", expected must be number/
    )
  })

  it.each([
    { name: 'not an object', raw: [1], error: /result-file \(top level\): got \[1\]/ },
    { name: 'another schema', raw: { schema: 'x' }, error: /result-file \/schema: got "x"/ },
    {
      name: 'a negative component energy',
      raw: 'negative',
      error: /result-file \/record\/measurement\/components\/0\/energyJ: got -1/
    }
  ])('refuses a result file that is $name', async ({ raw, error }) => {
    const value =
      raw === 'negative'
        ? (() => {
            const r = JSON.parse(JSON.stringify(forged)) as {
              record: { measurement: { components: { energyJ: number }[] } }
            }
            r.record.measurement.components[0]!.energyJ = -1
            return r
          })()
        : raw
    await expect(report(value)).rejects.toThrow(error)
  })

  it('does not pass without a trusted budget, and says why in the headline', async () => {
    const bare = project('no-checkout', null)
    const out = await report(forged, bare)
    expect(out.verdict).toBe('inconclusive')
    expect(out.budgetProblem).toMatch(/no budget file/)
    const [, headline, why] = out.report.split('\n')
    expect(headline).toMatch(/Inconclusive:\*\* no trusted budget\.$/)
    expect(why).toMatch(/^No budget file/)
  })
})
