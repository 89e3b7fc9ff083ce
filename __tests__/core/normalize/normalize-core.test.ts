import { describe, expect, it } from '@jest/globals'
import {
  MODEL_NAMES,
  NormalizationError,
  normalizeMeasurement
} from '../../../src/core/normalize/index.js'
import type { ModelName } from '../../../src/core/normalize/index.js'
import { makeMeasurement, makePair, powerLaw } from './fixtures.js'
import type { PointSpec } from './fixtures.js'

const law = powerLaw(1.5, -0.4)
const powers = [40, 80, 120, 160, 220, 280]
const lawPoints: PointSpec[] = powers.map((p, i) => ({
  workload: `w${i}`,
  powerW: p,
  durationS: 50 + 10 * i,
  ratio: law(p)
}))

describe('normalizeMeasurement', () => {
  it.each([
    [
      'constant ratio 0.5: every model is exact',
      powers.map((p, i) => ({ workload: `c${i}`, powerW: p, durationS: 60, ratio: 0.5 })),
      100,
      0.5
    ],
    [
      'constant ratio 2',
      powers.map((p, i) => ({ workload: `c${i}`, powerW: p, durationS: 60, ratio: 2 })),
      250,
      2
    ]
  ])('%s', (_name, specs, powerW, ratio) => {
    const { local, reference } = makePair(specs)
    for (const model of MODEL_NAMES.filter((m) => m !== 'multivariate')) {
      const r = normalizeMeasurement(local, reference, makeMeasurement(powerW, 30), { model })
      expect(r.normalizedEnergyJ).toBeCloseTo(powerW * 30 * ratio, 6)
      expect(r.looError).toBeCloseTo(0, 9)
    }
  })

  it.each([[60], [150], [250]])(
    'recovers a power law at %d W: loo-weighted puts (almost) all weight on log-log',
    (powerW) => {
      const { local, reference } = makePair(lawPoints)
      const auto = normalizeMeasurement(local, reference, makeMeasurement(powerW, 30))
      expect(auto.model).toBe('kernel')
      expect(auto.candidates.find((c) => c.model === 'log-log')?.weight).toBeGreaterThan(0.999)
      const r = normalizeMeasurement(local, reference, makeMeasurement(powerW, 30), {
        model: 'loo-weighted'
      })
      expect(r.normalizedEnergyJ).toBeCloseTo(powerW * 30 * law(powerW), 6)
      expect(r.interval[0]).toBeLessThanOrEqual(r.normalizedEnergyJ)
      expect(r.interval[1]).toBeGreaterThanOrEqual(r.normalizedEnergyJ)
    }
  )

  it('single-ratio uses the named baseline workload, else the first shared one (DCASE rule)', () => {
    const { local, reference } = makePair(lawPoints)
    const m = makeMeasurement(100, 10)
    const first = normalizeMeasurement(local, reference, m, { model: 'single-ratio' })
    expect(first.normalizedEnergyJ).toBeCloseTo(1000 * law(40), 6)
    const named = normalizeMeasurement(local, reference, m, {
      model: 'single-ratio',
      baseline: 'w3'
    })
    expect(named.normalizedEnergyJ).toBeCloseTo(1000 * law(160), 6)
  })

  it('never chooses the single ratio automatically, and lists every candidate score', () => {
    const { local, reference } = makePair(lawPoints)
    const r = normalizeMeasurement(local, reference, makeMeasurement(100, 10))
    expect(r.candidates.map((c) => c.model)).toEqual([
      'geometric-mean',
      'log-log',
      'similarity-weighted',
      'loo-weighted',
      'kernel'
    ])
    const weights = r.candidates.flatMap((c) => (c.weight === undefined ? [] : [c.weight]))
    expect(weights).toHaveLength(2)
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    expect(r.pointsUsed).toEqual(['w0', 'w1', 'w2', 'w3', 'w4', 'w5'])
    expect(r.method).toBe('estimate')
  })

  it('uses only workloads both calibrations share', () => {
    const { local, reference } = makePair(lawPoints)
    reference.points = reference.points.filter((p) => p.workload !== 'w2')
    local.points.push({ workload: 'local-only', energyJ: 1, durationS: 1, meanPowerW: 1 })
    const r = normalizeMeasurement(local, reference, makeMeasurement(100, 10))
    expect(r.pointsUsed).toEqual(['w0', 'w1', 'w3', 'w4', 'w5'])
  })

  it('adds flops and params in the multivariate model when every point and the measurement have them', () => {
    const specs = lawPoints.map((s, i) => ({ ...s, params: 1e6 * (i + 1), flops: 1e12 * (i + 1) }))
    const { local, reference } = makePair(specs)
    const withAll = normalizeMeasurement(
      local,
      reference,
      makeMeasurement(100, 10, { params: 2e6, flops: 3e12 })
    )
    expect(withAll.candidates.map((c) => c.model)).toContain('multivariate')
    const without = normalizeMeasurement(local, reference, makeMeasurement(100, 10))
    expect(without.candidates.map((c) => c.model)).not.toContain('multivariate')
  })

  it('falls back to models that need no power when the measurement has none, and says so', () => {
    const { local, reference } = makePair(lawPoints)
    const m = { energyJ: 1000, durationS: 10, components: [], metrics: {} }
    const r = normalizeMeasurement(local, reference, m)
    expect(r.model).toBe('geometric-mean')
    expect(r.notices.join(' ')).toMatch(/no gpu component/)
    expect(() => normalizeMeasurement(local, reference, m, { model: 'log-log' })).toThrow(
      NormalizationError
    )
  })

  it('reads power from energyJ / durationS when a component has no meanPowerW', () => {
    const { local, reference } = makePair(lawPoints)
    const m = {
      energyJ: 1500,
      durationS: 10,
      components: [{ kind: 'gpu', energyJ: 1500, meanPowerW: null, powerLimitW: null }],
      metrics: {}
    }
    const r = normalizeMeasurement(local, reference, m, { model: 'log-log' })
    expect(r.normalizedEnergyJ).toBeCloseTo(1500 * law(150), 6)
  })

  it.each([
    ['no shared workload', 0],
    ['one shared workload', 1]
  ])('refuses %s', (_name, keep) => {
    const { local, reference } = makePair(lawPoints)
    reference.points = reference.points.slice(0, keep)
    expect(() => normalizeMeasurement(local, reference, makeMeasurement(100, 10))).toThrow(
      /at least 2 are needed/
    )
  })

  it('refuses a baseline that is not shared', () => {
    const { local, reference } = makePair(lawPoints)
    expect(() =>
      normalizeMeasurement(local, reference, makeMeasurement(100, 10), { baseline: 'nope' })
    ).toThrow(/not a shared workload/)
  })

  it.each([[2], [3], [4], [6]])(
    'gives a finite interval that contains the estimate with %d points',
    (n) => {
      const noisy = lawPoints
        .slice(0, n)
        .map((s, i) => ({ ...s, ratio: s.ratio * (i % 2 ? 1.1 : 0.92) }))
      const { local, reference } = makePair(noisy)
      const r = normalizeMeasurement(local, reference, makeMeasurement(100, 10))
      expect(Number.isFinite(r.interval[1])).toBe(true)
      expect(r.interval[0]).toBeLessThan(r.normalizedEnergyJ)
      expect(r.interval[1]).toBeGreaterThan(r.normalizedEnergyJ)
    }
  )

  it('widens the interval to the calibration noise floor', () => {
    const { local, reference } = makePair(lawPoints)
    for (const p of [...local.points, ...reference.points]) p.cv = 0.1
    const r = normalizeMeasurement(local, reference, makeMeasurement(100, 10), {
      model: 'loo-weighted'
    })
    // 1.2816 × sqrt(0.1² + 0.1²) in log units
    expect(Math.log(r.interval[1] / r.normalizedEnergyJ)).toBeCloseTo(1.2816 * Math.sqrt(0.02), 6)
  })

  it.each(MODEL_NAMES.filter((m) => m !== 'multivariate').map((m) => [m as ModelName]))(
    '%s scales linearly with the measured energy',
    (model) => {
      const { local, reference } = makePair(lawPoints)
      const a = normalizeMeasurement(local, reference, makeMeasurement(100, 10), { model })
      const b = normalizeMeasurement(local, reference, makeMeasurement(100, 20), { model })
      expect(b.normalizedEnergyJ / a.normalizedEnergyJ).toBeCloseTo(2, 9)
    }
  )
})
