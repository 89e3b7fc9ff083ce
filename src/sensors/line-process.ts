// A long-lived child process read line by line (nvidia-smi's loop mode, the NVML helper).
import { spawn, type ChildProcess } from 'node:child_process'

export interface LineProcess {
  readonly child: ChildProcess
  /** resolves when the process has exited (or failed to start) */
  readonly exited: Promise<{ code: number | null; signal: string | null; error: Error | null }>
  /** the last bytes of stderr, for notices */
  stderrTail(): string
  /** writes one line to stdin (when spawned with stdin) */
  send(line: string): void
  /** ends stdin, then SIGTERM after `graceMs`, SIGKILL after twice that; resolves on exit */
  stop(graceMs?: number): Promise<void>
}

const live = new Set<ChildProcess>()
let exitHookInstalled = false

/** Kills helpers a careless caller forgot to stop, so none outlives the CLI. */
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL')
  })
}

export function spawnLineProcess(
  command: string,
  args: readonly string[],
  onLine: (line: string) => void,
  options: { stdin?: boolean } = {}
): LineProcess {
  installExitHook()
  const child = spawn(command, args, {
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    windowsHide: true
  })
  live.add(child)
  let buffer = ''
  let errTail = ''
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    buffer += chunk
    let nl = buffer.indexOf('\n')
    while (nl >= 0) {
      const line = buffer.charCodeAt(nl - 1) === 13 ? buffer.slice(0, nl - 1) : buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      onLine(line)
      nl = buffer.indexOf('\n')
    }
  })
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (chunk: string) => {
    errTail = (errTail + chunk).slice(-2000)
  })
  child.stdin?.on('error', () => undefined) // EPIPE when the helper already died: its exit says why
  const exited = new Promise<{ code: number | null; signal: string | null; error: Error | null }>(
    (resolve) => {
      let error: Error | null = null
      child.once('error', (e) => {
        error = e
        live.delete(child)
        // 'close' does not always follow a failed spawn
        if (child.pid === undefined) resolve({ code: null, signal: null, error })
      })
      child.once('close', (code, signal) => {
        live.delete(child)
        if (buffer !== '') onLine(buffer)
        buffer = ''
        resolve({ code, signal, error })
      })
    }
  )
  let done = false
  void exited.then(() => (done = true))
  return {
    child,
    exited,
    stderrTail: () => errTail.trim(),
    send: (line) => {
      if (!done && child.stdin && !child.stdin.destroyed) child.stdin.write(line + '\n')
    },
    stop: async (graceMs = 1000) => {
      if (done) return
      child.stdin?.end()
      const term = setTimeout(() => child.kill('SIGTERM'), options.stdin ? graceMs : 0)
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs * 2)
      await exited
      clearTimeout(term)
      clearTimeout(kill)
    }
  }
}

/** Races `promise` against a timer; the timer is cleared either way. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
