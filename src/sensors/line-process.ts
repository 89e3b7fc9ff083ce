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
  /**
   * ends stdin, then SIGTERM to the process group after `graceMs`, SIGKILL after twice that;
   * resolves on exit, or (a group member that escaped it holds the pipes) shortly after SIGKILL
   */
  stop(graceMs?: number): Promise<void>
}

type ExitInfo = { code: number | null; signal: string | null; error: Error | null }

const live = new Set<ChildProcess>()
const tempDirs = new Set<string>()
let exitHookInstalled = false

/**
 * Signals the child's whole process group: JOULEGATE_NVIDIA_SMI is often a wrapper script that
 * runs the real tool without `exec`, and killing only the shell would leave the tool running,
 * holding the pipes open. Each child leads its own group (spawned detached).
 */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    try {
      child.kill(signal) // no group (already reaped leader): the process itself, if any
    } catch {
      // gone
    }
  }
}

/** Kills helpers a careless caller forgot to stop, so none outlives the CLI, and drops their files. */
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const child of live) signalGroup(child, 'SIGKILL')
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  })
}

/** How long stop() waits after SIGKILL before it resolves anyway. */
const AFTER_KILL_MS = 500

/**
 * SIGTERM to the group after `termMs`, SIGKILL after `killMs`; resolves on exit, or AFTER_KILL_MS
 * after SIGKILL when the exit is never seen (a process that left the group keeps a pipe open), so
 * that stopping a sensor always ends.
 */
async function stopGroup(
  child: ChildProcess,
  exited: Promise<unknown>,
  termMs: number,
  killMs: number
): Promise<void> {
  let giveUp: NodeJS.Timeout | undefined
  const term = setTimeout(() => signalGroup(child, 'SIGTERM'), termMs)
  const kill = setTimeout(() => signalGroup(child, 'SIGKILL'), killMs)
  const bounded = new Promise<void>((resolve) => {
    giveUp = setTimeout(resolve, killMs + AFTER_KILL_MS)
  })
  await Promise.race([exited, bounded])
  clearTimeout(term)
  clearTimeout(kill)
  clearTimeout(giveUp)
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.destroy()
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
    windowsHide: true,
    detached: true // its own process group, stopped as a whole (signalGroup)
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
      if (done) return signalGroup(child, 'SIGKILL') // what it left behind, if anything
      child.stdin?.end()
      await stopGroup(child, exited, options.stdin ? graceMs : 0, graceMs * 2)
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
  readonly child: ChildProcess
  readonly exited: Promise<ExitInfo>
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
  let child: ChildProcess
  try {
    child = spawn(command, args, {
      stdio: ['ignore', out, 'pipe'],
      windowsHide: true,
      detached: true // its own process group, stopped as a whole (signalGroup)
    })
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
      if (done) return signalGroup(child, 'SIGKILL') // what it left behind, if anything
      await stopGroup(child, exited, 0, graceMs)
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

export interface OneShotResult {
  stdout: string
  stderr: string
  /** 0, the exit status, the signal, a spawn error code (ENOENT) or ETIMEDOUT */
  code: number | string | null
}

/**
 * Runs a short command to completion (a probe), in its own process group. After `timeoutMs` the
 * group gets SIGKILL and the result says ETIMEDOUT at once: a hung driver call, or a wrapper whose
 * child holds the pipes, must not hang joulegate.
 */
export function runOneShot(
  command: string,
  args: readonly string[],
  timeoutMs: number
): Promise<OneShotResult> {
  installExitHook()
  return new Promise((resolve) => {
    let stdout = ''
    let stderr = ''
    let settled = false
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      detached: true
    })
    live.add(child)
    const finish = (code: number | string | null): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      live.delete(child)
      child.stdout!.destroy()
      child.stderr!.destroy()
      resolve({ stdout, stderr, code })
    }
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      signalGroup(child, 'SIGKILL')
      // its pipes close once the whole group is gone ('close' below); a member that left the
      // group may hold them open: give up waiting shortly after
      setTimeout(() => finish('ETIMEDOUT'), AFTER_KILL_MS).unref()
    }, timeoutMs)
    const keep = (b: Buffer, add: (t: string) => void): void => {
      if (stdout.length + stderr.length < 4 << 20) add(b.toString('utf8'))
    }
    child.stdout!.on('data', (b: Buffer) => keep(b, (t) => (stdout += t)))
    child.stderr!.on('data', (b: Buffer) => keep(b, (t) => (stderr += t)))
    child.once('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message))
    child.once('close', (code, signal) => {
      signalGroup(child, 'SIGKILL') // a background child it left behind
      finish(timedOut ? 'ETIMEDOUT' : (code ?? signal))
    })
  })
}

/** Races `promise` against a timer; the timer is cleared either way. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
