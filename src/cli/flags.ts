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
    const message = error instanceof Error ? error.message : String(error)
    throw new UsageError(
      `${command}: ${message.replace(/^.*?: /, '')} (run "joulegate ${command} --help" for the options)`
    )
  }
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
