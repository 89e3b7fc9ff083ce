// joulegate workload NAME [options]: the built-in jobs (the demo's tiny trainer, the CPU
// calibration suite) run as child processes of `measure`, like any user command.
import { UsageError, describeBadValue } from '../../core/errors.js'
import { parseIntegerSetting } from '../../core/settings.js'
import { CPU_WORKLOAD_NAMES, QUICK_SCALE, runCpuWorkload } from '../../pipeline/cpu-workload.js'
import { runTinyTrainer } from '../../pipeline/tiny-trainer.js'
import type { CliIo } from '../io.js'
import { parseFlags, stringFlag } from '../flags.js'

const WORKLOAD_USAGE = `usage: joulegate workload tiny-trainer [--hidden N] [--epochs N] [--samples N] [--seed N]
       joulegate workload cpu-1t|cpu-half|cpu-all|cpu-memory [--quick]

The built-in jobs: the demo's tiny trainer and the CPU calibration suite.`

export async function run(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags('workload', argv, {
    hidden: { type: 'string' },
    epochs: { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' },
    quick: { type: 'boolean' }
  })
  const [name] = flags.positionals
  if (flags.values['help'] || name === undefined) {
    io.out(WORKLOAD_USAGE)
    return name === undefined && !flags.values['help'] ? 2 : 0
  }
  if (name === 'tiny-trainer') {
    const result = runTinyTrainer({
      hidden: parseIntegerSetting(
        '--hidden',
        stringFlag(flags.values, 'hidden') ?? null,
        32,
        1,
        4096
      ),
      epochs: parseIntegerSetting(
        '--epochs',
        stringFlag(flags.values, 'epochs') ?? null,
        6,
        1,
        1000
      ),
      samples: parseIntegerSetting(
        '--samples',
        stringFlag(flags.values, 'samples') ?? null,
        4000,
        10,
        10_000_000
      ),
      features: 16,
      seed: parseIntegerSetting('--seed', stringFlag(flags.values, 'seed') ?? null, 7, 0, 2 ** 31),
      metricsFile: process.env['JOULEGATE_METRICS_FILE'] || null
    })
    io.out(`tiny-trainer: accuracy ${result.accuracy.toFixed(4)} with ${result.params} parameters`)
    return 0
  }
  if (CPU_WORKLOAD_NAMES.includes(name)) {
    await runCpuWorkload(
      name,
      flags.values['quick'] ? QUICK_SCALE : 1,
      process.env['JOULEGATE_METRICS_FILE'] || null
    )
    return 0
  }
  throw new UsageError(
    describeBadValue('workload', name, `one of tiny-trainer, ${CPU_WORKLOAD_NAMES.join(', ')}`)
  )
}
