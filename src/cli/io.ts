import { readEnv } from './env.js'

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

let readerGone = false
let watching = false

/**
 * `joulegate measure ... | head -1`: the reader may close stdout before the summary is written.
 * That is its choice, not a failure of the run: later writes are dropped quietly (no EPIPE trace)
 * and the exit status stays the command's. Any other stdout error still surfaces.
 */
function watchStdout(): void {
  if (watching) return
  watching = true
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') readerGone = true
    else throw error
  })
}

export function createProcessIo(): CliIo {
  watchStdout()
  return {
    out: (text) => {
      if (!readerGone) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
    },
    err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    isTty: isLiveTerminal(process.stderr.isTTY, readEnv().vars)
  }
}
