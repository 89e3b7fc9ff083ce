import { describe, expect, it } from '@jest/globals'
import { normalizeMeasurement } from '../../../src/core/normalize/index.js'
import type { MeasurementInput } from '../../../src/core/normalize/index.js'
import { makeMeasurement, makePair, powerLaw } from './fixtures.js'
import type { PointSpec } from './fixtures.js'

// a power law with a zig-zag on top: no model is exact, so both members get real weight
const law = powerLaw(1.2, -0.3)
const noisy: PointSpec[] = [40, 80, 120, 160, 220, 280].map((p, i) => ({
  workload: `w${i}`,
  powerW: p,
  durationS: 40 + 7 * i,
  ratio: law(p) * [1.12, 0.9, 1.05, 0.93, 1.1, 0.95][i]
}))

/** Jobs on 1, 2 or 4 GPUs of 300 W whose ratio follows the power fraction, not the total power. */
const FRACTION_LAW = powerLaw(0.2, -0.5)
const GPU_LIMIT = 300
const multiGpu: [number, number][] = [
  [0.2, 1],
  [0.4, 4],
  [0.5, 1],
  [0.7, 4],
  [0.85, 1],
  [0.3, 2]
]

function makeMultiGpuPair(): ReturnType<typeof makePair> {
  const specs = multiGpu.map(([u, gpus], i) => ({
    workload: `m${i}`,
    powerW: u * GPU_LIMIT * gpus,
    durationS: 60,
    ratio: FRACTION_LAW(u)
  }))
  const pair = makePair(specs)
  // calibrate records the total over the GPUs a job used, and the limit of that total
  pair.local.points.forEach((p, i) => {
    if (multiGpu[i][1] > 1) Object.assign(p, { powerLimitW: GPU_LIMIT * multiGpu[i][1] })
  })
  return pair
}

function multiGpuMeasurement(u: number, gpus: number, limit: number | null): MeasurementInput {
  const each = u * GPU_LIMIT
  return {
    energyJ: each * gpus * 100,
    durationS: 100,
    components: Array.from({ length: gpus }, () => ({
      kind: 'gpu',
      energyJ: each * 100,
      meanPowerW: each,
      powerLimitW: limit
    })),
    metrics: {}
  }
}

describe('loo-weighted', () => {
  it.each([[50], [130], [260]])(
    'at %d W is the weighted mean of its members in ln ratio, weights from their LOO errors',
    (powerW) => {
      const { local, reference } = makePair(noisy)
      const m = makeMeasurement(powerW, 20)
      const auto = normalizeMeasurement(local, reference, m)
      expect(auto.model).toBe('kernel')
      const members = auto.candidates.filter((c) => c.weight !== undefined)
      expect(members.map((c) => c.model)).toEqual(['log-log', 'similarity-weighted'])
      const raw = members.map((c) => 1 / c.looMeanAbsLog ** 2)
      members.forEach((c, i) =>
        expect(c.weight).toBeCloseTo(raw[i] / raw.reduce((a, b) => a + b, 0), 12)
      )
      const lnRatio = members.reduce(
        (s, c) => s + c.weight! * Math.log(normalizeMeasurement(local, reference, m, c).ratio),
        0
      )
      const forced = normalizeMeasurement(local, reference, m, { model: 'loo-weighted' })
      expect(Math.log(forced.ratio)).toBeCloseTo(lnRatio, 12)
    }
  )

  it('is forced like any model, and refused without power', () => {
    const { local, reference } = makePair(noisy)
    const forced = normalizeMeasurement(local, reference, makeMeasurement(100, 10), {
      model: 'loo-weighted'
    })
    expect(forced.candidates.map((c) => c.model)).toEqual(['loo-weighted'])
    const noPower = { energyJ: 1000, durationS: 10, components: [], metrics: {} }
    expect(() =>
      normalizeMeasurement(local, reference, noPower, { model: 'loo-weighted' })
    ).toThrow(/cannot be used/)
  })
})

describe('80% interval', () => {
  it.each([[6], [5], [4]])(
    'with %d points interpolates the |LOO residuals| at position (n+1)·0.8',
    (n) => {
      const { local, reference } = makePair(noisy.slice(0, n))
      const r = normalizeMeasurement(local, reference, makeMeasurement(100, 10), {
        model: 'geometric-mean'
      })
      // the geometric mean's LOO residual is n/(n−1) times the point's deviation from the mean
      const ys = noisy.slice(0, n).map((s) => Math.log(s.ratio))
      const mean = ys.reduce((a, b) => a + b, 0) / n
      const abs = ys.map((y) => Math.abs(((y - mean) * n) / (n - 1))).sort((a, b) => a - b)
      const position = (n + 1) * 0.8
      const k = Math.floor(position)
      const expected = abs[k - 1] + (position - k) * ((abs[k] ?? abs[k - 1]) - abs[k - 1])
      expect(Math.log(r.interval[1] / r.normalizedEnergyJ)).toBeCloseTo(expected, 9)
      expect(Math.log(r.normalizedEnergyJ / r.interval[0])).toBeCloseTo(expected, 9)
    }
  )
})

describe('GPU use as power fraction', () => {
  it.each([
    [0.6, 4],
    [0.35, 1],
    [0.8, 2]
  ])('recovers a law in power fraction at %f on %d GPU(s)', (u, gpus) => {
    const { local, reference } = makeMultiGpuPair()
    const m = multiGpuMeasurement(u, gpus, GPU_LIMIT)
    const r = normalizeMeasurement(local, reference, m, { model: 'log-log' })
    expect(r.ratio).toBeCloseTo(FRACTION_LAW(u), 9)
    expect(r.notices.join(' ')).not.toMatch(/power fraction/)
  })

  it('falls back to mean power when a limit is missing, and says so', () => {
    const { local, reference } = makeMultiGpuPair()
    const r = normalizeMeasurement(local, reference, multiGpuMeasurement(0.6, 4, null))
    expect(r.notices.join(' ')).toMatch(/mean power, not power fraction/)
    // total power mixes load and GPU count, so the law is no longer recovered exactly
    expect(Math.abs(Math.log(r.ratio / FRACTION_LAW(0.6)))).toBeGreaterThan(1e-3)
  })
})
