// On cancel the runner sends SIGINT, then SIGTERM 7.5 s later, then kills. Both signals abort the
// pipeline (which stops the command and keeps the partial measurement); the action then writes its
// summary, outputs and result file. A deadline inside that window ends the process if the
// pipeline cannot finish, so the step still says what happened.
interface Cancellation {
  signal: AbortSignal
  dispose(): void
}

const CANCEL_DEADLINE_MS = 6000

export function installCancellation(
  onSignal: (name: string) => void,
  onDeadline: () => void,
  deadlineMs = CANCEL_DEADLINE_MS
): Cancellation {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | null = null
  const handler = (name: NodeJS.Signals): void => {
    onSignal(name)
    if (controller.signal.aborted) return
    // the reason is the signal name: the pipeline forwards that same signal to the training
    controller.abort(name)
    timer = setTimeout(onDeadline, deadlineMs)
    timer.unref()
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
      if (timer) clearTimeout(timer)
    }
  }
}
