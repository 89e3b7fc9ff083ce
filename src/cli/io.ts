/** Where the CLI writes; tests pass their own to capture output. */
export interface CliIo {
  out(text: string): void
  err(text: string): void
  /** true when stderr is a terminal, so progress lines may be redrawn in place */
  isTty: boolean
}

export function createProcessIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    isTty: Boolean(process.stderr.isTTY)
  }
}
