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

/**
 * Forwards an abort to the process group: the abort reason's signal first (SIGINT or SIGTERM),
 * SIGKILL after `graceMs`, so a cancelled job still finishes inside the runner's 7.5 s window.
 */
export function forwardAbort(
  command: RunningCommand,
  signal: AbortSignal | undefined,
  graceMs: number
): () => void {
  if (!signal) return () => undefined
  let killTimer: NodeJS.Timeout | undefined
  const onAbort = (): void => {
    const reason = signal.reason as unknown
    const sig: NodeJS.Signals =
      reason === 'SIGINT' || reason === 'SIGTERM' || reason === 'SIGHUP' ? reason : 'SIGTERM'
    command.signalGroup(sig)
    killTimer ??= setTimeout(() => command.signalGroup('SIGKILL'), graceMs)
    killTimer.unref()
  }
  if (signal.aborted) onAbort()
  else signal.addEventListener('abort', onAbort, { once: true })
  return () => {
    signal.removeEventListener('abort', onAbort)
    if (killTimer) clearTimeout(killTimer)
  }
}
