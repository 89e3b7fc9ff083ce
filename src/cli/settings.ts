// The CLI's settings: argv is read once, against the command's flag table, into one typed and
// validated CliSettings (the shared Settings plus the fields only the CLI has); a command receives
// that object, never argv.
import { UsageError } from '../core/errors.js'
import { parseSettings, type InputName, type RawSettings, type Settings } from '../core/settings.js'
import { findUnmarkedCommand, parseArgv, type FlagDef } from './flags.js'
import type { CliIo } from './io.js'

/** What only the CLI's commands take; null or empty: not given. */
export interface CliFields {
  /** check: judge as a pull request onto this ref */
  base: string | null
  /** calibrate (runs, pause and scale are shared settings: calibration-runs, ...) */
  suite: 'auto' | 'gpu' | 'cpu'
  workloads: string[]
  family: string | null
  noStore: boolean
  /** normalize */
  local: string | null
  reference: string | null
  measurements: string[]
  model: string | null
  baseline: string | null
  allowQuick: boolean
  json: boolean
  /** curve */
  metric: string | null
  price: number | null
  direction: 'higher' | 'lower' | null
  planned: number | null
  projectedKwh: number | null
  /** caps */
  score: string | null
  costs: string[]
  where: string[]
  label: string | null
  ewEnergy: string | null
  ewReference: string | null
  /** demo */
  keep: boolean
  /** dashboard */
  outDir: string | null
  series: string[]
  dashboardBranch: string | null
  remote: string | null
  repoUrl: string | null
  /** workload */
  hidden: number | null
  epochs: number | null
  samples: number | null
  seed: number | null
}

const CLI_DEFAULTS: CliFields = {
  base: null,
  suite: 'auto',
  workloads: [],
  family: null,
  noStore: false,
  local: null,
  reference: null,
  measurements: [],
  model: null,
  baseline: null,
  allowQuick: false,
  json: false,
  metric: null,
  price: null,
  direction: null,
  planned: null,
  projectedKwh: null,
  score: null,
  costs: [],
  where: [],
  label: null,
  ewEnergy: null,
  ewReference: null,
  keep: false,
  outDir: null,
  series: [],
  dashboardBranch: null,
  remote: null,
  repoUrl: null,
  hidden: null,
  epochs: null,
  samples: null,
  seed: null
}

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
