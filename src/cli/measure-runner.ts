// The CLI side of a measurement: SIGINT/SIGTERM become an abort that the pipeline forwards to the
// command's process group, and progress goes to a live line on a terminal, a line per step in a log.
import { constants } from 'node:os'
import type { CommandSpec } from '../adapters/run-command.js'
import type { Settings } from '../core/settings.js'
import type { ProgressStep } from '../core/report/format-progress.js'
import type { Measurement } from '../core/types.js'
import type { Tick } from '../usecases/measure.js'
import { runMeasurement } from '../usecases/run-measurement.js'
import type { CliIo } from './io.js'
import { createProgressWriter } from './progress.js'
import { readEnv } from './env.js'

/** The command's status when it fails (128 + signal number when a signal ended it), else 0. */
export function exitStatusOf(m: Measurement, received?: unknown): number {
  if (m.exitCode !== null) return m.exitCode
  const signal =
    m.signal ?? (m.interrupted ? (typeof received === 'string' ? received : 'SIGINT') : null)
  return signal ? 128 + (constants.signals[signal as NodeJS.Signals] ?? 1) : 1
}

export function createMeasureRunner(io: CliIo) {
  const controller = new AbortController()
  const progress = createProgressWriter({
    live: io.isTty,
    write: io.isTty ? (text) => void process.stderr.write(text) : (text) => io.err(text)
  })
  const onSignal = (signal: NodeJS.Signals): void => {
    progress.log(
      `joulegate: ${signal} received; stopping the command and keeping the partial measurement`
    )
    if (!controller.signal.aborted) controller.abort(signal)
  }
  // a notice is printed once: a later probe (each repeat, each calibration run) finds it again
  const printed = new Set<string>()
  const log = (line: string): void => {
    if (printed.has(line)) return
    printed.add(line)
    progress.log(line)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    onTick: (tick: Tick, estimated: boolean): void => progress.tick(tick, estimated),
    onStep: (step: ProgressStep): void => progress.step(step),
    /** messages of the pipeline, printed once each, above the progress line */
    log,
    /** whether this message was printed already (a summary need not repeat it) */
    printed: (line: string): boolean => printed.has(line),
    async measure(command: CommandSpec, settings: Settings): Promise<Measurement> {
      const measurement = await runMeasurement(command, settings, {
        env: readEnv(),
        cwd: settings.workingDirectory ?? undefined,
        log,
        signal: controller.signal,
        onTick: (tick, estimated) => progress.tick(tick, estimated),
        onStep: (step) => progress.step(step)
      })
      progress.clear()
      return measurement
    },
    /** removes the progress line before a result is printed */
    clear: (): void => progress.clear(),
    dispose(): void {
      progress.dispose()
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}
