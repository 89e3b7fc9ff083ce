// argv -> raw values, with the command after `--` kept verbatim. Flag names map onto the input
// names of src/core/settings.ts so that the CLI and the action share one validation.
import { parseArgs } from 'node:util'
import { UsageError } from '../core/errors.js'

export interface FlagSpec {
  type: 'string' | 'boolean'
  multiple?: boolean
  short?: string
}

export interface ParsedFlags {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>
  positionals: string[]
  /** everything after `--` */
  command: string[]
}

export function parseFlags(
  command: string,
  argv: string[],
  options: Record<string, FlagSpec>
): ParsedFlags {
  const dash = argv.indexOf('--')
  const own = dash === -1 ? argv : argv.slice(0, dash)
  const rest = dash === -1 ? [] : argv.slice(dash + 1)
  try {
    const { values, positionals } = parseArgs({
      args: own,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true
    })
    return { values: values as ParsedFlags['values'], positionals, command: rest }
  } catch (error) {
    throw new UsageError(describeFlagError(command, error, Object.keys(options)))
  }
}

function describeFlagError(command: string, error: unknown, known: string[]): string {
  const e = error as { code?: string; message?: string }
  const flag = /'(-[^' ]*)/.exec(e.message ?? '')?.[1] ?? ''
  const expected = `one of ${known.map((k) => `--${k}`).join(', ')}`
  const hint = `(run "joulegate ${command} --help" for the options)`
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return `${command}: unknown option ${flag}; expected ${expected} ${hint}`
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return `${command}: option ${flag || 'value'} needs a value ${hint}`
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return `${command}: unexpected argument ${flag}; put the command after "--" ${hint}`
  return `${command}: ${(e.message ?? String(error)).replace(/^.*?: /, '')} ${hint}`
}

export const stringFlag = (values: ParsedFlags['values'], name: string): string | undefined => {
  const v = values[name]
  return typeof v === 'string' ? v : undefined
}

export const stringFlags = (values: ParsedFlags['values'], name: string): string[] => {
  const v = values[name]
  return Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string')
    : typeof v === 'string'
      ? [v]
      : []
}
