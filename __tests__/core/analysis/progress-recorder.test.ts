// Heavy metric logging: a run that logs every step keeps a bounded, faithful progress list.
import { describe, expect, it } from '@jest/globals'
import { analyseCurve } from '../../../src/core/analysis/curve.js'
import {
  MAX_METRIC_KEYS,
  MAX_PROGRESS_POINTS,
  ProgressRecorder,
  collectFinalMetrics,
  downsampleProgress,
  type MetricValue
} from '../../../src/core/measure/metrics-protocol.js'
import type { ProgressPoint } from '../../../src/core/types.js'

const LINES = 200_000

/** A step-logging trainer: loss every step, a noisy accuracy every step, psds1 every 10 000 steps. */
function floodLine(step: number): Record<string, MetricValue> {
  const values: Record<string, MetricValue> = {
    step,
    loss: 2 / (1 + step / 1000) + (step === 123_457 ? -5 : 0),
    acc: 1 - 1 / (1 + step / 500) + (step === 77_777 ? 3 : 0)
  }
  if (step % 10_000 === 0) values.psds1 = step / LINES
  if (step === LINES) values.phase = 'done'
  return values
}

function record(lines: number): { recorder: ProgressRecorder; all: ProgressPoint[] } {
  const recorder = new ProgressRecorder()
  const all: ProgressPoint[] = []
  for (let step = 1; step <= lines; step++) {
    const stamp = { elapsedS: step / 100, energyJ: step * 3 }
    const values = floodLine(step)
    recorder.add(stamp, values, step)
    all.push({ ...stamp, values })
  }
  return { recorder, all }
}

describe('ProgressRecorder on 200 000 metric lines', () => {
  const { recorder, all } = record(LINES)
  const kept = recorder.points()

  it(`keeps at most ${MAX_PROGRESS_POINTS} points, in line order`, () => {
    expect(kept.length).toBeLessThanOrEqual(MAX_PROGRESS_POINTS)
    expect(kept.length).toBeGreaterThan(MAX_PROGRESS_POINTS / 4)
    for (let i = 1; i < kept.length; i++)
      expect(kept[i]!.values.step as number).toBeGreaterThan(kept[i - 1]!.values.step as number)
  })

  it('keeps the first and the last line and every extreme of every key', () => {
    const steps = new Set(kept.map((p) => p.values.step))
    expect(steps.has(1)).toBe(true)
    expect(steps.has(LINES)).toBe(true)
    expect(steps.has(123_457)).toBe(true) // the lowest loss
    expect(steps.has(77_777)).toBe(true) // the highest acc
  })

  it('final metrics are the last value of each key over all lines', () => {
    expect(collectFinalMetrics(kept)).toEqual(collectFinalMetrics(all))
  })

  it('a sparse key keeps every one of its lines beside a key on every line', () => {
    expect(kept.filter((p) => typeof p.values.psds1 === 'number')).toHaveLength(LINES / 10_000)
  })

  it('says what it left out', () => {
    expect(recorder.notes().join('\n')).toContain(`keeps ${kept.length} of ${LINES} metric lines`)
  })

  it('a list already in memory is thinned the same way; a short one is left as it is', () => {
    expect(downsampleProgress(all)).toEqual(kept)
    expect(downsampleProgress(all.slice(0, 10))).toEqual(all.slice(0, 10))
  })

  it('the curve of 200 000 points is read without overflowing the stack', () => {
    // Math.max(...gains) over 200 000 points threw RangeError before
    const a = analyseCurve(all, { metric: 'acc' })!
    expect(a.points.length).toBeLessThanOrEqual(MAX_PROGRESS_POINTS)
    expect(a.finalValue).toBe(all[all.length - 1]!.values.acc)
    expect(a.stop?.method).toBe('knee')
  })
})

describe('ProgressRecorder keys', () => {
  it(`records at most ${MAX_METRIC_KEYS} distinct keys and names the first dropped`, () => {
    const recorder = new ProgressRecorder()
    for (let i = 0; i < MAX_METRIC_KEYS + 5; i++)
      recorder.add({ elapsedS: i, energyJ: i }, { [`k${i}`]: i }, i + 1)
    const keys = new Set(recorder.points().flatMap((p) => Object.keys(p.values)))
    expect(keys.size).toBe(MAX_METRIC_KEYS)
    expect(recorder.notes().join('\n')).toContain(
      `metrics line ${MAX_METRIC_KEYS + 1}: more than ${MAX_METRIC_KEYS} distinct keys; 5 key(s) from "k${MAX_METRIC_KEYS}" on`
    )
  })

  it('keeps every line and says nothing while the lines fit', () => {
    const recorder = new ProgressRecorder()
    for (let i = 0; i < 50; i++)
      recorder.add({ elapsedS: i, energyJ: i }, { epoch: i, psds1: i / 50 })
    expect(recorder.points()).toHaveLength(50)
    expect(recorder.notes()).toEqual([])
  })
})
