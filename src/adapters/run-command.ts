// Runs the measured command in its own process group so that signals reach the whole training
// (data loader workers, torchrun children), not only the shell that started it.
import { spawnInGroup } from './process.js'

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
  // the child leads a new process group (and session) that is signalled as a whole
  const child = spawnInGroup(file, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['inherit', 'inherit', 'inherit']
  })
  const ended = child.exited.then(({ code, signal, error }): CommandExit => {
    if (error && child.pid === undefined) {
      return {
        exitCode: error.code === 'ENOENT' ? 127 : 126,
        signal: null,
        spawnError: `cannot start ${JSON.stringify(file)}: ${error.message}`
      }
    }
    return { exitCode: code, signal }
  })
  // The command is over when its own process exits: what it left running in the background
  // would use energy outside the window and could still write the job's files (GITHUB_OUTPUT)
  // after joulegate wrote its verdict, so the group ends before `exited` resolves.
  const exited = ended.then(async (exit) => {
    if (child.pid === undefined || exit.spawnError) return exit
    const leftovers = await child.endLeftovers(options.leftoverGraceMs ?? LEFTOVER_GRACE_MS)
    return leftovers === 0 ? exit : { ...exit, leftoverNotice: describeLeftovers(leftovers) }
  })
  return {
    pid: child.pid,
    exited,
    groupAlive: () => child.alive(),
    signalGroup: (signal) => void child.signal(signal)
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
