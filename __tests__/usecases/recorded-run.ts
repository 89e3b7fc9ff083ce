// The real H100 measurement, scaled, as the run a pipeline test judges without running anything.
import { readFileSync } from 'node:fs'
import type { HistoryStore } from '../../src/adapters/store/store.js'
import { parseSettings, type RawSettings } from '../../src/core/settings.js'
import type { Measurement } from '../../src/core/types.js'
import { runCheck } from '../../src/usecases/check.js'
import { readRunEnv } from '../../src/usecases/run-env.js'

const real = JSON.parse(
  readFileSync('__tests__/fixtures/real-h100-measurement.json', 'utf8')
) as Measurement

/** The real H100 measurement scaled to `factor` of its energy, with the given exit. */
export function scaled(factor: number, exit: Partial<Measurement> = {}): Measurement {
  return {
    ...real,
    energyJ: real.energyJ * factor,
    components: real.components.map((c) => ({ ...c, energyJ: c.energyJ * factor })),
    ...exit
  }
}

/** runCheck on `measurement` in `cwd` (a pull request when `baseSha` is set). */
export function checkMeasured(
  raw: RawSettings,
  at: { cwd: string; store: HistoryStore; baseSha?: string | null; workspace?: string },
  measurement: Measurement
): ReturnType<typeof runCheck> {
  return runCheck(parseSettings(raw), {
    cwd: at.cwd,
    workspace: at.workspace,
    baseSha: at.baseSha ?? null,
    headSha: null,
    store: at.store,
    env: readRunEnv(process.env),
    log: () => undefined,
    argv: ['true'],
    measurement
  })
}
