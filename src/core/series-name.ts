// The one rule for a series name, wherever it comes from (the action's `name` input, the CLI's
// --name and --series, a result file's series) and wherever it goes (history file names on every
// platform, paths in the data branch's git tree): a name accepted as input is one the store takes.
import { UsageError, describeBadValue } from './errors.js'

const SERIES_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

const EXPECTED =
  'a series name of letters, digits, ".", "_" or "-" (at most 100, not starting with "." or "-", not ending in ".lock")'

export function isSeriesName(value: string): boolean {
  return SERIES_NAME.test(value) && !value.endsWith('.lock')
}

/** `value` when it is a usable series name; else a UsageError naming `input` and the value. */
export function validateSeriesName(value: string, input: string = 'name'): string {
  if (!isSeriesName(value)) throw new UsageError(describeBadValue(input, value, EXPECTED))
  return value
}
