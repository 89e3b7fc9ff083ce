// A long-lived child process read line by line: through a pipe as lines come (the NVML helper),
// or through a file read when the caller asks (nvidia-smi's loop mode, see spawnFileProcess).
// Both are started through the process seam (process.ts): each leads its own process group,
// stopped as a whole, since JOULEGATE_NVIDIA_SMI is often a wrapper script that runs the real tool
// without `exec`, and killing only the shell would leave the tool running, holding the pipes open.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnInGroup, type GroupChild, type ProcessExit } from './process.js'

export interface LineProcess {
  /** resolves when the process has exited (or failed to start) */
  readonly exited: Promise<ProcessExit>
  /** the last bytes of stderr, for notices */
  stderrTail(): string
  /** writes one line to stdin (when spawned with stdin) */
  send(line: string): void
  /**
   * ends stdin, then SIGTERM to the process group after `graceMs`, SIGKILL after twice that;
   * resolves on exit, or (a group member that escaped it holds the pipes) shortly after SIGKILL
   */
  stop(graceMs?: number): Promise<void>
}

const tempDirs = new Set<string>()
let exitHookInstalled = false

/** Drops the output files of readers a careless caller forgot to dispose (the seam kills them). */
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  })
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
  const proc = spawnInGroup(command, args, {
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe']
  })
  let buffer = ''
  proc.stdout!.setEncoding('utf8')
  proc.stdout!.on('data', (chunk: string) => {
    buffer = splitLines(buffer + chunk, onLine)
  })
  let done = false
  // the last unterminated line reaches `onLine` before anyone hears of the exit
  const exited = proc.exited.then((exit) => {
    done = true
    if (buffer !== '') onLine(buffer)
    buffer = ''
    return exit
  })
  const stdin = proc.stdin
  return {
    exited,
    stderrTail: () => proc.stderrTail().trim(),
    send: (line) => {
      if (!done && stdin && !stdin.destroyed) stdin.write(line + '\n')
    },
    stop: async (graceMs = 1000) => {
      if (done) {
        proc.signal('SIGKILL') // what it left behind, if anything
        return
      }
      stdin?.end()
      await proc.stop(options.stdin ? graceMs : 0, graceMs * 2)
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
interface FileProcess {
  readonly exited: Promise<ProcessExit>
  stderrTail(): string
  /** reads what the child wrote since the last call, line by line (synchronous: a small file) */
  drain(onLine: (line: string) => void): void
  /** SIGTERM to its group, SIGKILL after `graceMs`; resolves on exit (bounded). Drain after it for the last lines. */
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
  let proc: GroupChild
  try {
    proc = spawnInGroup(command, args, { stdio: ['ignore', out, 'pipe'] })
  } finally {
    closeSync(out) // the child holds its own copy
  }
  let done = false
  const exited = proc.exited.then((exit) => {
    done = true
    return exit
  })
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
    exited,
    stderrTail: () => proc.stderrTail().trim(),
    drain,
    stop: async (graceMs = 1000) => {
      if (done) {
        proc.signal('SIGKILL') // what it left behind, if anything
        return
      }
      await proc.stop(0, graceMs)
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
