// Where progress goes. On a terminal one line is redrawn in place (the step, its time, the energy
// so far) and other messages are printed above it; in a log (not a terminal, or CI) each step is
// one line and nothing is redrawn, so a CI log holds no carriage returns or escape codes.
import {
  formatProgressLine,
  formatStepLine,
  type ProgressStep
} from '../core/report/format-progress.js'
import type { Tick } from '../usecases/measure.js'

interface ProgressWriter {
  step(step: ProgressStep): void
  tick(tick: Tick, estimated: boolean): void
  /** a message: printed whole, above the live line */
  log(line: string): void
  /** removes the live line (before the result is printed) */
  clear(): void
  dispose(): void
}

interface ProgressTarget {
  /** true: redraw one line (stderr is a terminal and not CI); false: a line per step */
  live: boolean
  /** writes text as it is (live) or one whole line (log) */
  write(text: string): void
  now?: () => number
  /** how often the live line's clock is redrawn while no energy reading comes (ms) */
  redrawMs?: number
}

const CLEAR = '\r\x1b[2K'

export function createProgressWriter(target: ProgressTarget): ProgressWriter {
  const now = target.now ?? (() => performance.now())
  if (!target.live) {
    return {
      step: (step) => target.write(formatStepLine(step)),
      tick: () => {},
      log: (line) => target.write(line),
      clear: () => {},
      dispose: () => {}
    }
  }
  let current: ProgressStep | null = null
  let startedAt = now()
  let lastTick: { tick: Tick; estimated: boolean; at: number } | null = null
  let drawn = false
  const draw = (): void => {
    const elapsedS = lastTick
      ? lastTick.tick.elapsedS + (now() - lastTick.at) / 1000
      : (now() - startedAt) / 1000
    const line = formatProgressLine(current, {
      elapsedS,
      energyJ: lastTick ? lastTick.tick.energyJ : null,
      estimated: lastTick?.estimated ?? false
    })
    target.write(`${CLEAR}${line}`)
    drawn = true
  }
  const clear = (): void => {
    if (drawn) target.write(CLEAR)
    drawn = false
  }
  // the idle window and cooldowns have no energy readings: the clock still moves
  const timer = setInterval(() => {
    if (current && (!lastTick || now() - lastTick.at > 1500)) draw()
  }, target.redrawMs ?? 1000)
  timer.unref()
  return {
    step(step) {
      current = step
      startedAt = now()
      lastTick = null
      draw()
    },
    tick(tick, estimated) {
      lastTick = { tick, estimated, at: now() }
      draw()
    },
    log(line) {
      const was = drawn
      clear()
      target.write(`${line}\n`)
      if (was) draw()
    },
    clear,
    dispose() {
      clearInterval(timer)
      clear()
    }
  }
}
