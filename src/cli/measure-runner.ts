// The CLI side of a measurement: SIGINT/SIGTERM become an abort that the pipeline forwards to the
// command's process group, and a terminal gets a live progress line.
import { constants } from 'node:os'
import type { CommandSpec } from '../adapters/run-command.js'
import type { Settings } from '../core/settings.js'
import { formatProgressLine } from '../core/report/measurement-summary.js'
import type { Measurement } from '../core/types.js'
import type { Tick } from '../pipeline/measure.js'
import { runMeasurement } from '../pipeline/run-measurement.js'
import type { CliIo } from './io.js'

/** The command's status when it fails (128 + signal number when a signal ended it), else 0. */
export function exitStatusOf(m: Measurement, received?: unknown): number {
  if (m.exitCode !== null) return m.exitCode
  const signal =
    m.signal ?? (m.interrupted ? (typeof received === 'string' ? received : 'SIGINT') : null)
  return signal ? 128 + (constants.signals[signal as NodeJS.Signals] ?? 1) : 1
}

export function createMeasureRunner(io: CliIo) {
  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    io.err(
      `joulegate: ${signal} received; stopping the command and keeping the partial measurement`
    )
    if (!controller.signal.aborted) controller.abort(signal)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  let drawn = false
  const onTick = io.isTty
    ? (tick: Tick, estimated: boolean): void => {
        drawn = true
        process.stderr.write(
          `\r\x1b[2K${formatProgressLine(tick.elapsedS, tick.energyJ, estimated)}`
        )
      }
    : undefined
  const clearLine = (): void => {
    if (drawn) process.stderr.write('\r\x1b[2K')
    drawn = false
  }
  return {
    signal: controller.signal,
    onTick,
    async measure(command: CommandSpec, settings: Settings): Promise<Measurement> {
      const measurement = await runMeasurement(command, settings, {
        env: process.env,
        cwd: settings.workingDirectory ?? undefined,
        log: (line) => io.err(line),
        signal: controller.signal,
        onTick
      })
      clearLine()
      return measurement
    },
    dispose(): void {
      clearLine()
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}
