// joulegate measure [--out FILE] [--interval-ms N] [--idle-s S] [--repeat N] -- CMD [ARGS...]
import { writeFile } from 'node:fs/promises'
import { UsageError } from '../../core/errors.js'
import { summarizeMeasurement } from '../../core/summary.js'
import { COMMON, withHelp } from '../flags.js'
import { createMeasureRunner, exitStatusOf } from '../measure-runner.js'
import type { CommandDef } from '../settings.js'

export const measure: CommandDef = {
  name: 'measure',
  summary: "measure a command's energy and write a measurement file",
  usage:
    'joulegate measure [--out FILE] [--interval-ms N] [--idle-s S] [--repeat N] -- CMD [ARGS...]',
  measures: true,
  flags: [
    withHelp(COMMON.out, 'write the measurement (joulegate.measurement/v1) to FILE'),
    COMMON.intervalMs,
    COMMON.idleS,
    withHelp(
      COMMON.repeat,
      'run the command N times; the file holds the mean, sd and cv (default 1)'
    )
  ],
  notes: `The command finds JOULEGATE_METRICS_FILE in its environment and may append one JSON object per
line to it (e.g. {"epoch": 3, "psds1": 0.52}). Exit status: the command's when it fails, else 0.`,
  async run(settings, io) {
    if (settings.argv.length === 0)
      throw new UsageError(
        'measure: no command given; expected "-- CMD [ARGS...]" after the options'
      )
    const runner = createMeasureRunner(io)
    try {
      const measurement = await runner.measure({ argv: settings.argv }, settings)
      if (settings.out) await writeFile(settings.out, `${JSON.stringify(measurement, null, 2)}\n`)
      io.out(summarizeMeasurement(measurement))
      if (settings.out) io.err(`measurement written to ${settings.out}`)
      return exitStatusOf(measurement, runner.signal.reason)
    } finally {
      runner.dispose()
    }
  }
}
