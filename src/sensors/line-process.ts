// A long-lived child process read line by line: through a pipe as lines come (the NVML helper),
// or through a file read when the caller asks (nvidia-smi's loop mode, see spawnFileProcess).
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readSync, rmSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface LineProcess {
  readonly child: ChildProcess
  /** resolves when the process has exited (or failed to start) */
  readonly exited: Promise<ExitInfo>
  /** the last bytes of stderr, for notices */
  stderrTail(): string
  /** writes one line to stdin (when spawned with stdin) */
  send(line: string): void
  /** ends stdin, then SIGTERM after `graceMs`, SIGKILL after twice that; resolves on exit */
  stop(graceMs?: number): Promise<void>
}

type ExitInfo = { code: number | null; signal: string | null; error: Error | null }

const live = new Set<ChildProcess>()
const tempDirs = new Set<string>()
let exitHookInstalled = false

/** Kills helpers a careless caller forgot to stop, so none outlives the CLI, and drops their files. */
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL')
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  })
}

/** Resolves once `child` has exited or failed to start; `onClose` runs first on a normal exit. */
function watchExit(child: ChildProcess, onClose: () => void = () => undefined): Promise<ExitInfo> {
  return new Promise<ExitInfo>((resolve) => {
    let error: Error | null = null
    child.once('error', (e) => {
      error = e
      live.delete(child)
      // 'close' does not always follow a failed spawn
      if (child.pid === undefined) resolve({ code: null, signal: null, error })
    })
    child.once('close', (code, signal) => {
      live.delete(child)
      onClose()
      resolve({ code, signal, error })
    })
  })
}

function keepStderrTail(child: ChildProcess): () => string {
  let errTail = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (chunk: string) => {
    errTail = (errTail + chunk).slice(-2000)
  })
  return () => errTail.trim()
}

/** Calls `onLine` for each complete line in `buffer`; returns the unfinished rest. */
function splitLines(buffer: string, onLine: (line: string) => void): string {
  let from = 0
  let nl = buffer.indexOf('\n')
  while (nl >= 0) {
    onLine(buffer.slice(from, buffer.charCodeAt(nl - 1) === 13 ? nl - 1 : nl))
    from = nl + 1
    nl = buffer.indexOf('\n', from)
  }
  return buffer.slice(from)
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
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    buffer = splitLines(buffer + chunk, onLine)
  })
  const stderrTail = keepStderrTail(child)
  child.stdin?.on('error', () => undefined) // EPIPE when the helper already died: its exit says why
  const exited = watchExit(child, () => {
    if (buffer !== '') onLine(buffer)
    buffer = ''
  })
  let done = false
  void exited.then(() => (done = true))
  return {
    child,
    exited,
    stderrTail,
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

/**
 * A long-lived child whose stdout goes to a temporary file instead of a pipe, read only when the
 * caller calls drain(): a pipe wakes the event loop for every line the child writes, a file for
 * none (docs/benchmarks.md). The child appends (O_APPEND), so once more than MAX_FILE_BYTES have
 * been read the file is emptied and its writes start again at 0. A line written in the instant
 * between the last read and that truncation is lost: at most once per MAX_FILE_BYTES.
 */
export interface FileProcess {
  readonly child: ChildProcess
  readonly exited: Promise<ExitInfo>
  stderrTail(): string
  /** reads what the child wrote since the last call, line by line (synchronous: a small file) */
  drain(onLine: (line: string) => void): void
  /** SIGTERM, SIGKILL after `graceMs`; resolves on exit. Drain after it for the last lines. */
  stop(graceMs?: number): Promise<void>
  /** hands the final unterminated line to `onLine`, closes and deletes the file */
  dispose(onLine: (line: string) => void): void
}

const MAX_FILE_BYTES = 1 << 20

export function spawnFileProcess(command: string, args: readonly string[]): FileProcess {
  installExitHook()
  const dir = mkdtempSync(join(tmpdir(), 'joulegate-'))
  tempDirs.add(dir)
  const path = join(dir, 'stdout')
  const out = openSync(path, 'a')
  let child: ChildProcess
  try {
    child = spawn(command, args, { stdio: ['ignore', out, 'pipe'], windowsHide: true })
  } finally {
    closeSync(out) // the child holds its own copy
  }
  live.add(child)
  const stderrTail = keepStderrTail(child)
  const exited = watchExit(child)
  let done = false
  void exited.then(() => (done = true))
  let fd: number | null = openSync(path, 'r')
  let position = 0
  let buffer = ''
  const chunk = Buffer.alloc(64 * 1024)
  const decoder = new TextDecoder('utf-8')
  const drain = (onLine: (line: string) => void): void => {
    if (fd === null) return
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, position)
      if (n === 0) break
      position += n
      buffer = splitLines(buffer + decoder.decode(chunk.subarray(0, n), { stream: true }), onLine)
    }
    if (position > MAX_FILE_BYTES) {
      truncateSync(path, 0)
      position = 0
    }
  }
  return {
    child,
    exited,
    stderrTail,
    drain,
    stop: async (graceMs = 1000) => {
      if (done) return
      child.kill('SIGTERM')
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(kill)
    },
    dispose: (onLine) => {
      if (fd === null) return
      drain(onLine)
      buffer += decoder.decode()
      if (buffer !== '') onLine(buffer)
      buffer = ''
      closeSync(fd)
      fd = null
      rmSync(dir, { recursive: true, force: true })
      tempDirs.delete(dir)
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
