// joulegate measure [--out FILE] [--interval-ms N] [--idle-s S] [--repeat N] -- CMD [ARGS...]
import { UsageError } from '../../core/errors.js'
import { INPUTS, parseSettings } from '../../core/settings.js'
import { summarizeMeasurement } from '../../core/summary.js'
import type { CliIo } from '../io.js'
import { parseFlags, stringFlag } from '../flags.js'
import { createMeasureRunner, exitStatusOf } from '../measure-runner.js'
import { runPreflight, writeOrKeep } from '../../pipeline/preflight.js'

export const MEASURE_USAGE = `usage: joulegate measure [--out FILE] [--interval-ms N] [--idle-s S] [--repeat N] -- CMD [ARGS...]

  --out FILE         write the measurement (joulegate.measurement/v1) to FILE
  --interval-ms N    sampling interval in milliseconds (default 100)
  --idle-s S         seconds of idle power measured before the command (default 10; 0 skips)
  --repeat N         run the command N times; the file holds the mean, sd and cv (default 1)

The command finds JOULEGATE_METRICS_FILE in its environment and may append one JSON object per
line to it (e.g. {"epoch": 3, "psds1": 0.52}). Exit status: the command's when it fails, else 0.`

export async function run(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags('measure', argv, {
    out: { type: 'string' },
    'interval-ms': { type: 'string' },
    'idle-s': { type: 'string' },
    repeat: { type: 'string' }
  })
  if (flags.values['help']) {
    io.out(MEASURE_USAGE)
    return 0
  }
  if (flags.command.length === 0)
    throw new UsageError('measure: no command given; expected "-- CMD [ARGS...]" after the options')
  const settings = parseSettings(
    {
      [INPUTS.out]: stringFlag(flags.values, 'out'),
      [INPUTS.intervalMs]: stringFlag(flags.values, 'interval-ms'),
      [INPUTS.idleSeconds]: stringFlag(flags.values, 'idle-s'),
      [INPUTS.repeat]: stringFlag(flags.values, 'repeat')
    },
    {
      [INPUTS.intervalMs]: '--interval-ms',
      [INPUTS.idleSeconds]: '--idle-s',
      [INPUTS.repeat]: '--repeat',
      [INPUTS.out]: '--out'
    }
  )
  await runPreflight(null, {
    root: process.cwd(),
    outputs: settings.out ? [{ input: '--out', path: settings.out }] : []
  })
  const runner = createMeasureRunner(io)
  try {
    const measurement = await runner.measure({ argv: flags.command }, settings)
    const kept =
      settings.out !== null &&
      (await writeOrKeep(
        settings.out,
        `${JSON.stringify(measurement, null, 2)}\n`,
        'measurement',
        (line) => io.err(line)
      ).then((w) => w.kept))
    io.out(summarizeMeasurement(measurement))
    if (kept) return 2
    if (settings.out) io.err(`measurement written to ${settings.out}`)
    return exitStatusOf(measurement, runner.signal.reason)
  } finally {
    runner.dispose()
  }
}
