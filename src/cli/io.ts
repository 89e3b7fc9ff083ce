/** Where the CLI writes; tests pass their own to capture output. */
export interface CliIo {
  out(text: string): void
  err(text: string): void
  /** true when stderr is a terminal, so progress lines may be redrawn in place */
  isTty: boolean
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
    isTty: Boolean(process.stderr.isTTY)
  }
}
