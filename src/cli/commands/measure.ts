// joulegate measure [--out FILE] [--interval-ms N] [--idle-s S] [--repeat N] [--prometheus URL] -- CMD [ARGS...]
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { DEFAULT_STORE_DIR } from '../../core/settings.js'
import { UsageError } from '../../core/errors.js'
import { summarizeMeasurement } from '../../core/report/measurement-summary.js'
import { runPreflight, writeOrKeep } from '../../usecases/preflight.js'
import { COMMON, withHelp } from '../flags.js'
import { createMeasureRunner, exitStatusOf } from '../measure-runner.js'
import type { CommandDef } from '../settings.js'

/** Where a measurement goes without --out: beside the history, overwritten by the next one. */
export const DEFAULT_MEASUREMENT_FILE = path.join(DEFAULT_STORE_DIR, 'last-measurement.json')

export const measure: CommandDef = {
  name: 'measure',
  summary: "measure a command's energy and write a measurement file",
  usage:
    'joulegate measure [--out FILE] [--interval-ms N] [--idle-s S] [--repeat N] -- CMD [ARGS...]',
  measures: true,
  flags: [
    withHelp(
      COMMON.out,
      `write the measurement (joulegate.measurement/v1) to FILE\n(default ${DEFAULT_MEASUREMENT_FILE}, replaced by the next run)`
    ),
    COMMON.intervalMs,
    COMMON.idleS,
    withHelp(
      COMMON.repeat,
      'run the command N times; the file holds the mean, sd and cv (default 1)'
    ),
    COMMON.prometheus,
    COMMON.prometheusSelector
  ],
  notes: `The command finds JOULEGATE_METRICS_FILE in its environment and may append one JSON object per
line to it (e.g. {"epoch": 3, "psds1": 0.52}). Exit status: the command's when it fails, else 0.`,
  async run(settings, io) {
    if (settings.argv.length === 0)
      throw new UsageError(
        'measure: no command given; expected "-- CMD [ARGS...]" after the options'
      )
    // a bad --out is found before the command runs, not after an hour of training
    await runPreflight(null, {
      root: process.cwd(),
      outputs: settings.out ? [{ input: '--out', path: settings.out }] : []
    })
    const runner = createMeasureRunner(io)
    try {
      const measurement = await runner.measure({ argv: settings.argv }, settings)
      const file = settings.out ?? DEFAULT_MEASUREMENT_FILE
      const text = `${JSON.stringify(measurement, null, 2)}\n`
      let written = true
      if (settings.out) {
        const kept = (await writeOrKeep(file, text, 'measurement', (line) => io.err(line))).kept
        if (kept) return 2
      } else {
        // the default: a failure to keep it costs the file, not the command's exit status
        written = await mkdir(path.dirname(file), { recursive: true })
          .then(() => writeFile(file, text))
          .then(
            () => true,
            (error: unknown) => {
              io.err(`joulegate: could not write ${file}: ${(error as Error).message}`)
              return false
            }
          )
      }
      // the notices printed while it ran are in the file, not repeated under the summary
      const unseen = measurement.notices?.filter((n) => !runner.printed(`joulegate: ${n}`))
      io.out(summarizeMeasurement({ ...measurement, notices: unseen }))
      if (written)
        io.err(
          `measurement written to ${file}${settings.out ? '' : ' (the default; --out FILE writes it elsewhere)'}`
        )
      return exitStatusOf(measurement, runner.signal.reason)
    } finally {
      runner.dispose()
    }
  }
}
