// Runs the measured command in its own process group so that signals reach the whole training
// (data loader workers, torchrun children), not only the shell that started it.
import { spawn } from 'node:child_process'

export type CommandSpec = { argv: string[] } | { shell: string }

export interface CommandExit {
  exitCode: number | null
  signal: NodeJS.Signals | null
  /** set when the command could not be started at all (ENOENT, EACCES) */
  spawnError?: string
}

export interface RunningCommand {
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

export function startCommand(
  spec: CommandSpec,
  options: { cwd?: string; env: NodeJS.ProcessEnv }
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
  const exited = new Promise<CommandExit>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      resolve({
        exitCode: error.code === 'ENOENT' ? 127 : 126,
        signal: null,
        spawnError: `cannot start ${JSON.stringify(file)}: ${error.message}`
      })
    })
    child.once('exit', (code, signal) => resolve({ exitCode: code, signal }))
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
export function signalOfAbort(reason: unknown): NodeJS.Signals {
  const text = typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : ''
  return FORWARDED.find((s) => text === s || text.includes(s)) ?? 'SIGTERM'
}

export interface AbortForwarding {
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
