// joulegate workload NAME [options]: the built-in jobs (the demo's tiny trainer, the CPU
// calibration suite) run as child processes of `measure`, like any user command.
import { UsageError, describeBadValue } from '../../core/errors.js'
import { INPUTS } from '../../core/settings.js'
import {
  CPU_WORKLOAD_NAMES,
  QUICK_SCALE,
  runCpuWorkload
} from '../../usecases/workloads/cpu-workload.js'
import { runTinyTrainer } from '../../usecases/workloads/tiny-trainer.js'
import { integerIn } from '../flags.js'
import { formatCommandHelp } from '../help.js'
import type { CommandDef } from '../settings.js'
import { readEnv } from '../env.js'

const count = (
  name: 'hidden' | 'epochs' | 'samples' | 'seed',
  min: number,
  max: number,
  help: string
) => ({ name, type: 'string', value: 'N', field: name, parse: integerIn(min, max), help }) as const

export const workload: CommandDef = {
  name: 'workload',
  summary: "the built-in jobs (the demo's trainer, the CPU calibration suite)",
  usage: `joulegate workload tiny-trainer [--hidden N] [--epochs N] [--samples N] [--seed N]
       joulegate workload cpu-1t|cpu-half|cpu-all|cpu-memory [--quick]`,
  description: "The built-in jobs: the demo's tiny trainer and the CPU calibration suite.",
  // measured as the child of measure, calibrate or demo, not run by hand
  internal: true,
  flags: [
    count('hidden', 1, 4096, 'hidden units (default 32)'),
    count('epochs', 1, 1000, 'epochs (default 6)'),
    count('samples', 10, 10_000_000, 'training samples (default 4000)'),
    count('seed', 0, 2 ** 31, 'random seed (default 7)'),
    {
      name: 'quick',
      type: 'boolean',
      input: INPUTS.quick,
      help: 'the small scale of a CPU workload'
    }
  ],
  run: runWorkload
}

async function runWorkload(...[settings, io]: Parameters<CommandDef['run']>): Promise<number> {
  const [name] = settings.positionals
  if (name === undefined) {
    io.out(formatCommandHelp(workload))
    return 2
  }
  if (name === 'tiny-trainer') {
    const result = runTinyTrainer({
      hidden: settings.hidden ?? 32,
      epochs: settings.epochs ?? 6,
      samples: settings.samples ?? 4000,
      features: 16,
      seed: settings.seed ?? 7,
      metricsFile: readEnv().metricsFile
    })
    io.out(`tiny-trainer: accuracy ${result.accuracy.toFixed(4)} with ${result.params} parameters`)
    return 0
  }
  if (CPU_WORKLOAD_NAMES.includes(name)) {
    await runCpuWorkload(name, settings.quick ? QUICK_SCALE : 1, readEnv().metricsFile)
    return 0
  }
  throw new UsageError(
    describeBadValue('workload', name, `one of tiny-trainer, ${CPU_WORKLOAD_NAMES.join(', ')}`)
  )
}
