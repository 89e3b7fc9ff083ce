/** Bad flags, inputs, configuration or files: the CLI exits 2, the action fails the step. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Formats "NAME: got VALUE, expected WHAT" so every input error reads the same way. */
export function describeBadValue(name: string, value: unknown, expected: string): string {
  const shown =
    typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))
  return `${name}: got ${shown}, expected ${expected}`
}
