// The one place joulegate starts processes: git, nvidia-smi, the NVML helper, the measured command
// and the reference suite's probe. Each child leads its own process group (spawned detached), so a
// wrapper script that runs the real tool without `exec`, a torchrun's workers or git's ssh are
// stopped with it; a timeout ends the whole group; stderr is kept as a bounded tail for notices;
// and whatever is still running when joulegate exits is killed, so no helper outlives it.
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import type { Readable, Writable } from 'node:stream'

/** stdin, stdout, stderr: a pipe, nothing, the terminal joulegate has, or an open file */
type Stdio = 'pipe' | 'ignore' | 'inherit' | number

interface GroupSpawnOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** default: pipes for all three */
  stdio?: readonly [Stdio, Stdio, Stdio]
  /** characters of stderr kept for notices when stderr is a pipe (default 2000) */
  stderrTailChars?: number
}

export interface ProcessExit {
  /** the exit status; null when a signal ended it or it never started */
  code: number | null
  signal: NodeJS.Signals | null
  /** why it could not be started (ENOENT: not installed, EACCES: not executable) */
  error: NodeJS.ErrnoException | null
}

export interface GroupChild {
  /** undefined when it could not be started */
  readonly pid: number | undefined
  readonly stdin: Writable | null
  readonly stdout: Readable | null
  /** resolves (never rejects) once it has exited and its pipes are closed, or failed to start */
  readonly exited: Promise<ProcessExit>
  /** the last characters it wrote to stderr (when stderr is a pipe) */
  stderrTail(): string
  /** sends `signal` to its whole group; false when no process of it was left to signal */
  signal(signal: NodeJS.Signals): boolean
  /** whether any process of its group still runs (zombies, already dead, do not count) */
  alive(): boolean
  /**
   * SIGTERM to the group after `termMs`, SIGKILL after `killMs`; resolves on exit, or shortly
   * after SIGKILL when the exit is never seen (a process that left the group keeps a pipe open)
   */
  stop(termMs: number, killMs: number): Promise<void>
  /**
   * After its own process exited: SIGTERM to what it left running in its group, SIGKILL after
   * `graceMs` for members that trap it. Returns how many there were (-1: some, count unknown).
   */
  endLeftovers(graceMs: number): Promise<number>
}

const live = new Set<ChildProcess>()
let exitHookInstalled = false

/** How long stop() waits after SIGKILL before it resolves anyway. */
const AFTER_KILL_MS = 500

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function signalPgid(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch {
    return false // the group is gone
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined) return false
  if (signalPgid(child.pid, signal)) return true
  try {
    return child.kill(signal) // no group (already reaped leader): the process itself, if any
  } catch {
    return false
  }
}

/** Kills children a careless caller forgot to stop, so none outlives joulegate. */
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const child of live) signalGroup(child, 'SIGKILL')
  })
}

/**
 * The live members of process group `pgid` (Linux /proc: field 5 of stat is the group; zombies,
 * already dead, are not counted), or null where /proc cannot tell.
 */
function listGroup(pgid: number): number[] | null {
  let entries: string[]
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e))
  } catch {
    return null
  }
  const members: number[] = []
  for (const e of entries) {
    try {
      const fields = readFileSync(`/proc/${e}/stat`, 'utf8').split(') ')[1]!.split(' ')
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) members.push(Number(e))
    } catch {
      // exited meanwhile
    }
  }
  return members
}

function groupAlive(pgid: number): boolean {
  const members = listGroup(pgid)
  return members === null ? signalPgid(pgid, 0) : members.length > 0
}

/** Resolves once `child` has exited and its pipes closed, or failed to start. */
function watchExit(child: ChildProcess): Promise<ProcessExit> {
  return new Promise<ProcessExit>((resolve) => {
    let error: NodeJS.ErrnoException | null = null
    child.once('error', (e: NodeJS.ErrnoException) => {
      error = e
      live.delete(child)
      // 'close' does not always follow a failed spawn
      if (child.pid === undefined) resolve({ code: null, signal: null, error })
    })
    child.once('close', (code, signal) => {
      live.delete(child)
      resolve({ code, signal, error })
    })
  })
}

function keepTail(stream: Readable, limit: number): () => string {
  let tail = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => {
    tail = tail.length + chunk.length <= limit ? tail + chunk : (tail + chunk).slice(-limit)
  })
  return () => tail
}

/** Starts `command` as the leader of a new process group; throws only on arguments spawn refuses. */
export function spawnInGroup(
  command: string,
  args: readonly string[],
  options: GroupSpawnOptions = {}
): GroupChild {
  installExitHook()
  const stdio = options.stdio ?? ['pipe', 'pipe', 'pipe']
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: [...stdio],
    windowsHide: true,
    detached: true // its own process group (and session), signalled as a whole
  })
  live.add(child)
  const stderrTail = child.stderr
    ? keepTail(child.stderr, options.stderrTailChars ?? 2000)
    : () => ''
  // EPIPE when it already died or never reads stdin: its exit says why
  child.stdin?.on('error', () => undefined)
  const exited = watchExit(child)
  return {
    pid: child.pid,
    stdin: child.stdin,
    stdout: child.stdout,
    exited,
    stderrTail,
    signal: (signal) => signalGroup(child, signal),
    alive: () => child.pid !== undefined && groupAlive(child.pid),
    stop: async (termMs, killMs) => {
      let giveUp: NodeJS.Timeout | undefined
      const term = killMs > termMs ? setTimeout(() => signalGroup(child, 'SIGTERM'), termMs) : null
      const kill = setTimeout(() => signalGroup(child, 'SIGKILL'), killMs)
      const bounded = new Promise<void>((resolve) => {
        giveUp = setTimeout(resolve, killMs + AFTER_KILL_MS)
      })
      await Promise.race([exited, bounded])
      if (term) clearTimeout(term)
      clearTimeout(kill)
      clearTimeout(giveUp)
      for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.destroy()
    },
    endLeftovers: async (graceMs) => {
      const pgid = child.pid
      if (pgid === undefined) return 0
      const members = listGroup(pgid)
      const count = members === null ? (signalPgid(pgid, 0) ? -1 : 0) : members.length
      if (count === 0) return 0
      signalPgid(pgid, 'SIGTERM')
      const deadline = Date.now() + graceMs
      while (groupAlive(pgid) && Date.now() < deadline) await sleep(25)
      if (groupAlive(pgid)) signalPgid(pgid, 'SIGKILL')
      return count
    }
  }
}

interface RunOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** written to stdin, which is then closed; without it stdin is /dev/null */
  input?: string | Buffer
  /** after this long the group gets SIGTERM, SIGKILL `killGraceMs` later, and `timedOut` is set */
  timeoutMs?: number
  /** default 1000; 0 kills at once */
  killGraceMs?: number
  /** stdout beyond this many bytes is dropped (default: all of it is kept) */
  maxStdoutBytes?: number
  /** characters of stderr kept, its end (default 64 Ki) */
  stderrTailChars?: number
  /** SIGKILL to what it left running in its group once it exited (default true) */
  killLeftovers?: boolean
}

interface ProcessResult extends ProcessExit {
  stdout: Buffer
  /** the end of what it wrote to stderr, at most `stderrTailChars` */
  stderr: string
  timedOut: boolean
}

/**
 * Runs a short command to completion in its own process group. Never rejects: a command that
 * cannot be started, exits non-zero, is killed or times out is described by the result, for the
 * caller to judge (a missing nvidia-smi is a notice, a missing git an error).
 */
export async function runProcess(
  command: string,
  args: readonly string[],
  options: RunOptions = {}
): Promise<ProcessResult> {
  let proc: GroupChild
  try {
    proc = spawnInGroup(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      stderrTailChars: options.stderrTailChars ?? 64 * 1024
    })
  } catch (e) {
    const error = e instanceof Error ? (e as NodeJS.ErrnoException) : new Error(String(e))
    return { stdout: Buffer.alloc(0), stderr: '', code: null, signal: null, error, timedOut: false }
  }
  const out: Buffer[] = []
  let outBytes = 0
  const max = options.maxStdoutBytes ?? Infinity
  proc.stdout!.on('data', (b: Buffer) => {
    if (outBytes >= max) return
    out.push(b)
    outBytes += b.length
  })
  if (options.input !== undefined) proc.stdin!.end(options.input)
  let timedOut = false
  let timer: NodeJS.Timeout | undefined
  const gaveUp = new Promise<null>((resolve) => {
    if (options.timeoutMs === undefined) return
    timer = setTimeout(() => {
      timedOut = true
      void proc.stop(0, options.killGraceMs ?? 1000).then(() => resolve(null))
    }, options.timeoutMs)
  })
  const exit = (await Promise.race([proc.exited, gaveUp])) ?? {
    code: null,
    signal: null,
    error: null
  }
  clearTimeout(timer)
  // a background child it left behind, which would hold GPU memory or the pipes
  if (options.killLeftovers ?? true) proc.signal('SIGKILL')
  const stdout = Buffer.concat(out)
  return { ...exit, stdout: stdout.subarray(0, max), stderr: proc.stderrTail(), timedOut }
}

/** How a run ended, for a notice: "exit 2", "killed by SIGTERM", "no answer within 5 s". */
export function describeExit(result: ProcessResult, timeoutMs?: number): string {
  if (result.timedOut)
    return timeoutMs === undefined ? 'timed out' : `no answer within ${timeoutMs / 1000} s`
  if (result.error) return result.error.message
  if (result.signal) return `killed by ${result.signal}`
  return `exit ${result.code}`
}

export interface OneShotResult {
  stdout: string
  stderr: string
  /** 0, the exit status, the signal, a spawn error code (ENOENT) or ETIMEDOUT */
  code: number | string | null
}

/**
 * Runs a probe (nvidia-smi's queries): after `timeoutMs` the group gets SIGKILL at once and the
 * result says ETIMEDOUT: a hung driver call, or a wrapper whose child holds the pipes, must not
 * hang joulegate. Output beyond 4 MiB is dropped.
 */
export async function runOneShot(
  command: string,
  args: readonly string[],
  timeoutMs: number
): Promise<OneShotResult> {
  const r = await runProcess(command, args, {
    timeoutMs,
    killGraceMs: 0,
    maxStdoutBytes: 4 << 20,
    stderrTailChars: 1 << 20
  })
  const code = r.timedOut
    ? 'ETIMEDOUT'
    : r.error
      ? (r.error.code ?? r.error.message)
      : (r.code ?? r.signal)
  return { stdout: r.stdout.toString('utf8'), stderr: r.stderr, code }
}
