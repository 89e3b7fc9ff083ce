/** Where the CLI writes; tests pass their own to capture output. */
export interface CliIo {
  out(text: string): void
  err(text: string): void
  /**
   * true when progress may be redrawn in place: stderr is a terminal and this is not a CI job
   * (a CI log shows every redraw as a line of its own)
   */
  isTty: boolean
}

/** A terminal that can redraw a line: not a pipe or file, not CI=true, not TERM=dumb. */
export function isLiveTerminal(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  const ci = (env['CI'] ?? '').toLowerCase()
  return Boolean(isTTY) && ci !== 'true' && ci !== '1' && env['TERM'] !== 'dumb'
}

export function createProcessIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    isTty: isLiveTerminal(process.stderr.isTTY, process.env)
  }
}
