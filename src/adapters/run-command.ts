// Runs the measured command in its own process group so that signals reach the whole training
// (data loader workers, torchrun children), not only the shell that started it.
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

export type CommandSpec = { argv: string[] } | { shell: string }

interface CommandExit {
  exitCode: number | null
  signal: NodeJS.Signals | null
  /** set when the command could not be started at all (ENOENT, EACCES) */
  spawnError?: string
  /** set when processes the command left in the background were stopped after it exited */
  leftoverNotice?: string
}

interface RunningCommand {
  readonly pid: number | undefined
  readonly exited: Promise<CommandExit>
  /** sends a signal to the whole process group */
  signalGroup(signal: NodeJS.Signals): void
  /** whether any process of the group is still running */
  groupAlive(): boolean
}

export function describeCommand(spec: CommandSpec): string {
  if ('shell' in spec) return spec.shell
  return spec.argv
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ')
}

/** How long processes the command left behind get between SIGTERM and SIGKILL. */
const LEFTOVER_GRACE_MS = 2000

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function signalPgid(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch {
    return false // the group is gone
  }
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

const groupAlive = (pgid: number): boolean => {
  const members = listGroup(pgid)
  return members === null ? signalPgid(pgid, 0) : members.length > 0
}

/**
 * Ends what is left of process group `pgid`: SIGTERM, then SIGKILL after `graceMs` for members
 * that trap it. Returns how many members there were (-1: some, where the count is unknown).
 */
async function endGroup(pgid: number, graceMs: number): Promise<number> {
  const members = listGroup(pgid)
  const count = members === null ? (signalPgid(pgid, 0) ? -1 : 0) : members.length
  if (count === 0) return 0
  signalPgid(pgid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(25)
  if (groupAlive(pgid)) signalPgid(pgid, 'SIGKILL')
  return count
}

function describeLeftovers(count: number): string {
  const what =
    count < 0 ? 'leftover processes' : `${count} leftover process${count === 1 ? '' : 'es'}`
  return `${what} of the command were stopped: they still ran in the background after it exited`
}

export function startCommand(
  spec: CommandSpec,
  options: { cwd?: string; env: NodeJS.ProcessEnv; leftoverGraceMs?: number }
): RunningCommand {
  const [file, args] =
    'shell' in spec ? ['/bin/sh', ['-c', spec.shell]] : [spec.argv[0]!, spec.argv.slice(1)]
  // detached: the child leads a new process group (and session) that we signal as a whole.
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: 'inherit',
    detached: true
  })
  const ended = new Promise<CommandExit>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      resolve({
        exitCode: error.code === 'ENOENT' ? 127 : 126,
        signal: null,
        spawnError: `cannot start ${JSON.stringify(file)}: ${error.message}`
      })
    })
    child.once('exit', (code, signal) => resolve({ exitCode: code, signal }))
  })
  // The command is over when its own process exits: what it left running in the background
  // would use energy outside the window and could still write the job's files (GITHUB_OUTPUT)
  // after joulegate wrote its verdict, so the group ends before `exited` resolves.
  const exited = ended.then(async (exit) => {
    if (child.pid === undefined || exit.spawnError) return exit
    const leftovers = await endGroup(child.pid, options.leftoverGraceMs ?? LEFTOVER_GRACE_MS)
    return leftovers === 0 ? exit : { ...exit, leftoverNotice: describeLeftovers(leftovers) }
  })
  return {
    pid: child.pid,
    exited,
    groupAlive() {
      if (child.pid === undefined) return false
      try {
        process.kill(-child.pid, 0)
        return true
      } catch {
        return false
      }
    },
    signalGroup(signal) {
      if (child.pid === undefined) return
      try {
        process.kill(-child.pid, signal)
      } catch {
        // the group is already gone
      }
    }
  }
}

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

/** The signal an abort stands for: its reason when that names one (also inside an Error), else SIGTERM. */
function signalOfAbort(reason: unknown): NodeJS.Signals {
  const text = typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : ''
  return FORWARDED.find((s) => text === s || text.includes(s)) ?? 'SIGTERM'
}

interface AbortForwarding {
  /** after the command's own process exited on an abort: waits for the rest of its group, then kills it */
  settle(): Promise<void>
  dispose(): void
}

/**
 * Forwards an abort to the process group: the abort's signal first (SIGINT or SIGTERM), SIGKILL
 * `graceMs` later, so a cancelled job still finishes inside the runner's 7.5 s window. Children
 * that outlive the command's own process (workers that trap the signal) get the same deadline.
 */
export function forwardAbort(
  command: RunningCommand,
  signal: AbortSignal | undefined,
  graceMs: number
): AbortForwarding {
  let killTimer: NodeJS.Timeout | undefined
  let abortedAt: number | null = null
  const onAbort = (): void => {
    abortedAt ??= Date.now()
    command.signalGroup(signalOfAbort(signal?.reason))
    killTimer ??= setTimeout(() => command.signalGroup('SIGKILL'), graceMs)
    killTimer.unref()
  }
  if (signal?.aborted) onAbort()
  else signal?.addEventListener('abort', onAbort, { once: true })
  return {
    async settle() {
      if (abortedAt === null) return
      const deadline = abortedAt + graceMs
      while (command.groupAlive() && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50))
      if (command.groupAlive()) command.signalGroup('SIGKILL')
    },
    dispose() {
      signal?.removeEventListener('abort', onAbort)
      if (killTimer) clearTimeout(killTimer)
    }
  }
}
