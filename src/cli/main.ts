/** Commands the CLI knows; each module exports `run(argv, io)` and returns the exit status. */
import { UsageError } from '../core/errors.js'
import type { CliIo } from './io.js'
import { createProcessIo } from './io.js'
import { run as runCaps } from './commands/caps.js'
import { run as runCheck } from './commands/check.js'
import { run as runCurve } from './commands/curve.js'
import { run as runDashboard } from './commands/dashboard.js'
import { run as runDemo } from './commands/demo.js'
import { run as runMeasure } from './commands/measure.js'
import { run as runNormalize } from './commands/normalize.js'
import { run as runCalibrate } from './commands/calibrate.js'
import { run as runWorkload } from './commands/workload.js'

type Command = (argv: string[], io: CliIo) => Promise<number>

// Static imports: in one bundled file a lazily imported module would run after the entry's
// top-level await, so every command is loaded up front.
const commands: Record<string, Command> = {
  measure: runMeasure,
  calibrate: runCalibrate,
  normalize: runNormalize,
  check: runCheck,
  caps: runCaps,
  curve: runCurve,
  dashboard: runDashboard,
  demo: runDemo,
  workload: runWorkload
}

export async function main(argv: string[], io: CliIo = createProcessIo()): Promise<number> {
  const [name, ...rest] = argv
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.out(usage())
      return name === undefined ? 2 : 0
    }
    if (name === '--version') {
      io.out('joulegate 0.1.0')
      return 0
    }
    const load = commands[name]
    if (!load)
      throw new UsageError(
        `unknown command "${name}"; expected one of: ${Object.keys(commands).join(', ')}`
      )
    return await load(rest, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`joulegate: ${error.message}`)
      return 2
    }
    io.err(`joulegate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    return 2
  }
}

function usage(): string {
  return `usage: joulegate <command> [options]\n\ncommands: ${Object.keys(commands).join(', ')}\nrun "joulegate <command> --help" for its options`
}
