// The CLI's settings: argv is read once, against the command's flag table, into one typed and
// validated CliSettings (the shared Settings plus the fields only the CLI has); a command receives
// that object, never argv.
import { UsageError } from '../core/errors.js'
import { parseSettings, type InputName, type RawSettings, type Settings } from '../core/settings.js'
import { findUnmarkedCommand, parseArgv, type FlagDef } from './flags.js'
import { CLI_DEFAULTS, type CliFields } from './cli-fields.js'
import type { CliIo } from './io.js'

interface CliSettings extends Settings, CliFields {
  /** the command to measure: everything after `--`, verbatim */
  argv: string[]
  /** the arguments that are not flags (a file for curve and caps, a name for workload) */
  positionals: string[]
  /** the flags given on the command line, by name without `--` */
  given: ReadonlySet<string>
}

export interface CommandDef {
  name: string
  /** one line for the top-level help */
  summary: string
  /** the usage line(s) after "usage: " */
  usage: string
  /** a paragraph before the options */
  description?: string
  /** a paragraph after the options */
  notes?: string
  flags: FlagDef[]
  /** takes the command to measure after `--` */
  measures?: boolean
  /** runs as a child of joulegate itself; not listed in help */
  internal?: boolean
  /** rewrites argv before parsing (caps: `--cost a b c`) */
  prepare?: (argv: string[]) => string[]
  run(settings: CliSettings, io: CliIo): Promise<number>
}

const quoteArg = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`)

/** Reads argv against the command's table; the first bad flag or value throws a UsageError. */
export function buildCliSettings(command: CommandDef, input: string[]): CliSettings | 'help' {
  const argv = command.prepare ? command.prepare(input) : input
  // before the flags are parsed: `measure python train.py --epochs 2` would otherwise be
  // refused for --epochs, which belongs to the command
  if (command.measures && !argv.includes('--')) {
    const at = findUnmarkedCommand(argv, command.flags)
    if (at !== -1) {
      const own = argv.slice(0, at).map(quoteArg)
      const cmd = argv.slice(at).map(quoteArg)
      throw new UsageError(
        `${command.name}: put \`--\` before the command to measure: joulegate ${[command.name, ...own, '--', ...cmd].join(' ')}`
      )
    }
  }
  const parsed = parseArgv(command.name, argv, command.flags)
  if (parsed.values['help']) return 'help'
  const raw: RawSettings = {}
  const labels: Partial<Record<InputName, string>> = {}
  const fields: Partial<Record<keyof CliFields, unknown>> = {}
  const given = new Set<string>()
  for (const def of command.flags) {
    const value = parsed.values[def.name]
    if (value === undefined) continue
    given.add(def.name)
    const flag = `--${def.name}`
    if (def.input) {
      raw[def.input] = String(value)
      labels[def.input] = flag
    } else if (def.field) {
      const convert = (v: string | boolean): unknown =>
        typeof v === 'string' && def.parse ? def.parse(v, flag) : v
      fields[def.field] = Array.isArray(value) ? value.map(convert) : convert(value)
    }
  }
  if (!command.measures && parsed.dashed && parsed.rest.length > 0)
    throw new UsageError(
      `${command.name}: unexpected arguments after "--": ${parsed.rest.map(quoteArg).join(' ')}; ${command.name} measures no command (run "joulegate ${command.name} --help")`
    )
  return {
    ...parseSettings(raw, labels),
    ...CLI_DEFAULTS,
    ...(fields as Partial<CliFields>),
    argv: parsed.rest,
    positionals: parsed.positionals,
    given
  }
}
