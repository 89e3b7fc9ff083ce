// Bounds on what joulegate reads from users and artifacts (pure). A budget is a few lines and a
// measurement a few hundred kB; a file far larger is a mistake (a log committed as the budget, a
// wrong artifact), and parsing it would stall the job for minutes, or, for a value quoted in an
// error, print megabytes into the log.
import { UsageError } from './errors.js'

/** A budget file (docs/budget.md, "Input limits"): a real one is under 2 KiB. */
export const MAX_BUDGET_BYTES = 64 * 1024
/** A JSON input: a measurement, calibration or result file (a 1e6-line run's is ~1 MB). */
export const MAX_JSON_BYTES = 16 * 1024 * 1024
/** Objects and arrays inside one another; joulegate's own files nest at most 5 deep. */
export const MAX_NESTING = 64

const kib = (bytes: number): string =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`

/** UTF-8 length of `text` without encoding it when its UTF-16 length already decides. */
function utf8Length(text: string, limit: number): number {
  if (text.length > limit) return text.length
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? (i++, 4) : 3
  }
  return n
}

/** Refuses a text over `limit` bytes before it is parsed, naming the file and the limit. */
export function checkInputSize(text: string, limit: number, name: string, what: string): void {
  const size = utf8Length(text, limit)
  if (size > limit)
    throw new UsageError(
      `${name}: ${kib(size)}, larger than a ${what} can be (at most ${kib(limit)}); expected a ${what}, not another file`
    )
}

/** Refuses a file of `bytes` (from stat) over `limit` before it is read. */
export function checkFileSize(bytes: number, limit: number, name: string, what: string): void {
  if (bytes > limit)
    throw new UsageError(
      `${name}: ${kib(bytes)}, larger than a ${what} can be (at most ${kib(limit)}); expected a ${what}, not another file`
    )
}

/** The deepest nesting of objects and arrays in a parsed value, without recursion. */
function measureNesting(value: unknown): number {
  let deepest = 0
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    const d = depth + 1
    if (d > deepest) deepest = d
    if (d > MAX_NESTING) return d
    for (const child of Object.values(v as Record<string, unknown>)) stack.push([child, d])
  }
  return deepest
}

/** Refuses a value nested deeper than MAX_NESTING, which the recursive checks after it cannot walk. */
export function checkNesting(value: unknown, name: string): void {
  if (measureNesting(value) > MAX_NESTING)
    throw new UsageError(
      `${name}: objects or arrays nested more than ${MAX_NESTING} deep; expected a joulegate file (at most a few levels)`
    )
}
