// One flag table for every command: each flag says what it takes, its help line, and where its
// value lands in CliSettings (an input of the shared settings, validated there, or a CLI field
// with its own parser). Help, "did you mean" and the errors below are all drawn from it.
// A new flag is one FlagDef in its command's `flags` (or in COMMON when several commands take it):
// `input` for a value the shared settings already validate, else `field` (added to CliFields with
// its default) and a `parse` that throws a UsageError naming the flag, the value and what it expects.
import { parseArgs } from 'node:util'
import { closest, distance } from 'fastest-levenshtein'
import { UsageError, describeBadValue } from '../core/errors.js'
import { INPUTS, parseIntegerSetting, type InputName } from '../core/settings.js'
import type { CliFields } from './cli-fields.js'

export interface FlagDef {
  /** the long name, without `--` */
  name: string
  /** a 'string' flag takes a value (named by `value` in help), a 'boolean' one does not */
  type: 'string' | 'boolean'
  value?: string
  multiple?: boolean
  help: string
  /** the shared settings input this flag sets (validated by parseSettings) */
  input?: InputName
  /** or the CLI field it sets, through `parse` when given (else the text as it is) */
  field?: keyof CliFields
  parse?: (value: string, flag: string) => unknown
  /** accepted but left out of help (an old spelling) */
  hidden?: boolean
}

/** A flag with this command's own help line. */
export const withHelp = (flag: FlagDef, help: string): FlagDef => ({ ...flag, help })

export const integerIn =
  (min: number, max: number) =>
  (value: string, flag: string): number =>
    parseIntegerSetting(flag, value, min, min, max)

export const positiveNumber = (value: string, flag: string): number => {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UsageError(describeBadValue(flag, value, 'a positive number'))
  return n
}

export const choiceOf =
  <T extends string>(choices: readonly T[], expected = choices.join(', ')) =>
  (value: string, flag: string): T => {
    if (!(choices as readonly string[]).includes(value))
      throw new UsageError(describeBadValue(flag, value, expected))
    return value as T
  }

export const nameLike =
  (expected: string, pattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/) =>
  (value: string, flag: string): string => {
    if (!pattern.test(value)) throw new UsageError(describeBadValue(flag, value, expected))
    return value
  }

/** Flags several commands share; a command may give one its own help line with withHelp. */
export const COMMON = {
  out: { name: 'out', type: 'string', value: 'FILE', input: INPUTS.out, help: 'write to FILE' },
  intervalMs: {
    name: 'interval-ms',
    type: 'string',
    value: 'N',
    input: INPUTS.intervalMs,
    help: 'sampling interval in milliseconds (default 100)'
  },
  idleS: {
    name: 'idle-s',
    type: 'string',
    value: 'S',
    input: INPUTS.idleSeconds,
    help: 'seconds of idle power measured before the command (default 10; 0 skips)'
  },
  repeat: {
    name: 'repeat',
    type: 'string',
    value: 'N',
    input: INPUTS.repeat,
    help: 'run the command N times (default 1)'
  },
  store: {
    name: 'store',
    type: 'string',
    value: 'DIR',
    input: INPUTS.store,
    help: 'history folder'
  },
  prometheus: {
    name: 'prometheus',
    type: 'string',
    value: 'URL',
    input: INPUTS.prometheusUrl,
    help: "also read the job's energy from the cluster's Prometheus (DCGM exporter, node exporter\nRAPL, Kepler); bearer token from JOULEGATE_PROMETHEUS_TOKEN"
  },
  prometheusSelector: {
    name: 'prometheus-selector',
    type: 'string',
    value: 'M',
    input: INPUTS.prometheusSelector,
    help: 'PromQL label matchers for every cluster query, e.g. hpc_job="4242"'
  },
  json: { name: 'json', type: 'boolean', field: 'json', help: 'print JSON instead of markdown' },
  family: {
    name: 'family',
    type: 'string',
    value: 'NAME',
    field: 'family',
    parse: nameLike('a name like a series name (letters, digits, ".", "_", "-")'),
    help: 'the workload family'
  }
} satisfies Record<string, FlagDef>

export const HELP_FLAG: FlagDef = { name: 'help', type: 'boolean', help: 'show this help' }

interface ParsedArgv {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>
  positionals: string[]
  /** everything after the first `--`, verbatim */
  rest: string[]
  /** whether a `--` was there at all */
  dashed: boolean
}

/** The flag among `flags` nearest to a mistyped name, when it is near enough to be a typo. */
export function suggestName(typed: string, names: readonly string[]): string | null {
  if (names.length === 0 || typed === '') return null
  const best = closest(typed, [...names])
  return distance(typed, best) <= Math.max(2, Math.floor(typed.length / 3)) ? best : null
}

/**
 * Where the options stop and an unmarked command begins (`joulegate measure python train.py`):
 * the index of the first token that is neither a known flag nor a flag's value, or -1.
 */
export function findUnmarkedCommand(argv: readonly string[], flags: readonly FlagDef[]): number {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!
    if (!token.startsWith('-') || token === '-') return i
    if (!token.startsWith('--')) continue
    const [name, inline] = token.slice(2).split('=', 2) as [string, string | undefined]
    const def = flags.find((f) => f.name === name)
    if (!def) return -1 // an unknown flag: parseArgs names it
    if (def.type === 'string' && inline === undefined) i++
  }
  return -1
}

export function parseArgv(command: string, argv: string[], flags: readonly FlagDef[]): ParsedArgv {
  const dash = argv.indexOf('--')
  const own = dash === -1 ? argv : argv.slice(0, dash)
  const rest = dash === -1 ? [] : argv.slice(dash + 1)
  const options = Object.fromEntries(
    flags.map((f) => [f.name, { type: f.type, ...(f.multiple ? { multiple: true } : {}) }])
  )
  try {
    const { values, positionals } = parseArgs({
      args: own,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true
    })
    return { values: values as ParsedArgv['values'], positionals, rest, dashed: dash !== -1 }
  } catch (error) {
    throw new UsageError(describeFlagError(command, error, own, flags))
  }
}

function describeFlagError(
  command: string,
  error: unknown,
  argv: readonly string[],
  flags: readonly FlagDef[]
): string {
  const e = error as { code?: string; message?: string }
  const flag = /'(-[^' ]*)/.exec(e.message ?? '')?.[1] ?? ''
  const visible = flags.filter((f) => !f.hidden)
  const hint = `(run "joulegate ${command} --help" for the options)`
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const expected = `one of ${visible.map((f) => `--${f.name}`).join(', ')}`
    const typed = flag.replace(/^-+/, '').split('=')[0] ?? ''
    const near = suggestName(
      typed,
      flags.map((f) => f.name)
    )
    const mean = near ? `; did you mean --${near}?` : ''
    return `${command}: unknown option ${flag}; expected ${expected}${mean} ${hint}`
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const def = flags.find((f) => `--${f.name}` === flag)
    if (def?.type === 'boolean') {
      const given = argv.find((t) => t.startsWith(`${flag}=`))?.slice(flag.length + 1) ?? ''
      return `${command}: ${describeBadValue(flag, given, `no value (write ${flag} alone)`)} ${hint}`
    }
    return `${command}: option ${flag || 'value'} needs a value: expected ${flag} ${def?.value ?? 'VALUE'} ${hint}`
  }
  return `${command}: ${(e.message ?? String(error)).replace(/^.*?: /, '')} ${hint}`
}
