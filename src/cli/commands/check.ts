// joulegate check [--config FILE] [--store DIR] [--name SERIES] [--record] [--report FILE] -- CMD ...
import { FolderStore, DEFAULT_STORE_DIR } from '../../adapters/folder-store.js'
import { UsageError } from '../../core/errors.js'
import { INPUTS, parseSettings } from '../../core/settings.js'
import { runCheck } from '../../pipeline/check.js'
import { writeOrKeep, type OutputTarget } from '../../pipeline/preflight.js'
import type { CliIo } from '../io.js'
import { parseFlags, stringFlag } from '../flags.js'
import { createMeasureRunner } from '../measure-runner.js'

export const CHECK_USAGE = `usage: joulegate check [options] -- CMD [ARGS...]

Measures CMD, compares it with the series' baseline in the store, judges it against the budget
and prints the report. Exit status: 0 pass, inconclusive or no-baseline; 1 fail (or the command
failed); 2 bad flags, budget or input.

  --config FILE              budget file (default .github/joulegate.yml; absent: no rules)
  --store DIR                history folder (default ${DEFAULT_STORE_DIR})
  --name SERIES              series name (default "default")
  --record                   also store this run as the series' newest record
  --report FILE              write the markdown report to FILE
  --result FILE              write the result JSON (for joulegate's action mode "report")
  --base REF                 judge as a pull request onto REF: its record is the baseline and ITS
                             budget file (read from git) sets the rules (default: the checkout's)
  --repeat N                 run the command N times (default 1)
  --idle-s S                 idle power measured first (default 10; 0 skips)
  --interval-ms N            sampling interval (default 100)
  --calibration FILE         this runner's calibration (default: the store's, by host fingerprint)
  --reference-calibration FILE   reference scale for normalised energy
  --carbon-intensity X       gCO2e/kWh or an ISO country code (default: world average)
  --pue X                    power usage effectiveness (default 1.0)`

const FLAG_TO_INPUT = {
  config: INPUTS.budgetFile,
  store: INPUTS.store,
  name: INPUTS.name,
  report: INPUTS.reportFile,
  result: INPUTS.resultFile,
  repeat: INPUTS.repeat,
  'idle-s': INPUTS.idleSeconds,
  'interval-ms': INPUTS.intervalMs,
  calibration: INPUTS.calibration,
  'reference-calibration': INPUTS.referenceCalibration,
  'carbon-intensity': INPUTS.carbonIntensity,
  pue: INPUTS.pue
} as const

export async function run(argv: string[], io: CliIo): Promise<number> {
  const specs = Object.fromEntries(
    [...Object.keys(FLAG_TO_INPUT), 'base'].map((f) => [f, { type: 'string' as const }])
  )
  const flags = parseFlags('check', argv, { ...specs, record: { type: 'boolean' } })
  if (flags.values['help']) {
    io.out(CHECK_USAGE)
    return 0
  }
  if (flags.command.length === 0)
    throw new UsageError('check: no command given; expected "-- CMD [ARGS...]" after the options')
  const raw = Object.fromEntries(
    Object.entries(FLAG_TO_INPUT).map(([flag, input]) => [input, stringFlag(flags.values, flag)])
  )
  const labels = Object.fromEntries(
    Object.entries(FLAG_TO_INPUT).map(([flag, input]) => [input, `--${flag}`])
  )
  const settings = parseSettings(
    { ...raw, [INPUTS.record]: flags.values['record'] ? 'true' : 'false' },
    labels
  )
  const store = new FolderStore(settings.store ?? DEFAULT_STORE_DIR)
  const outputs: OutputTarget[] = [
    ...(settings.reportFile ? [{ input: '--report', path: settings.reportFile }] : []),
    ...(settings.resultFile ? [{ input: '--result', path: settings.resultFile }] : [])
  ]
  const runner = createMeasureRunner(io)
  try {
    const outcome = await runCheck(settings, {
      outputs,
      cwd: process.cwd(),
      baseSha: stringFlag(flags.values, 'base') ?? null,
      headSha: null,
      store,
      log: (line) => io.err(line),
      signal: runner.signal,
      argv: flags.command,
      env: process.env,
      onTick: runner.onTick
    })
    io.out(outcome.report)
    io.err(outcome.summaryText)
    const log = (line: string): void => io.err(line)
    const reportKept =
      settings.reportFile !== null &&
      (await writeOrKeep(settings.reportFile, outcome.report, 'report', log)).kept
    const resultKept =
      settings.resultFile !== null &&
      (
        await writeOrKeep(
          settings.resultFile,
          `${JSON.stringify(outcome.result, null, 2)}\n`,
          'result',
          log
        )
      ).kept
    if (reportKept || resultKept) return 2
    if (outcome.commandExitCode !== 0) {
      io.err(
        `joulegate: the command ${outcome.interrupted ? 'was interrupted' : `exited with ${outcome.commandExitCode ?? 'a signal'}`}; the check fails`
      )
      return 1
    }
    return outcome.verdict === 'fail' ? 1 : 0
  } finally {
    runner.dispose()
    await store.close()
  }
}
