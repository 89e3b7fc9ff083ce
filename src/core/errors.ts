/** Bad flags, inputs, configuration or files: the CLI exits 2, the action fails the step. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/**
 * Formats "NAME: got VALUE, expected WHAT" so every input error reads the same way; VALUE is a
 * short excerpt (excerptValue), so an 11 MB array is not echoed into the log.
 */
export function describeBadValue(name: string, value: unknown, expected: string): string {
  return `${name}: got ${excerptValue(value)}, expected ${expected}`
}

/** The longest excerpt of a bad value an error quotes (docs/budget.md, "Input limits"). */
const MAX_EXCERPT_CHARS = 80

/**
 * A bad value as an error quotes it: JSON, except that NaN and ±Infinity (YAML's .nan, .inf)
 * show as themselves and not as null, cut to MAX_EXCERPT_CHARS with its full length said.
 */
export function excerptValue(value: unknown): string {
  let shown: string
  if (typeof value === 'number' && !Number.isFinite(value)) shown = String(value)
  else {
    try {
      shown = JSON.stringify(value, (_k, v: unknown) =>
        typeof v === 'number' && !Number.isFinite(v) ? String(v) : v
      )
    } catch {
      shown = String(value) // nested too deep for JSON.stringify, or a cycle
    }
    shown ??= String(value)
  }
  if (shown.length <= MAX_EXCERPT_CHARS) return shown
  return `${shown.slice(0, MAX_EXCERPT_CHARS - 1)}… (${shown.length} characters)`
}
