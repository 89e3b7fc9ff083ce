import { describe, expect, it } from '@jest/globals'
import { UsageError } from '../../../src/core/errors.js'
import {
  deriveUnitEnergies,
  projectEnergy,
  projectFromProgress
} from '../../../src/core/analysis/projection.js'
import type { ProgressPoint } from '../../../src/core/types.js'

const KWH = 3.6e6

describe('projectEnergy', () => {
  it.each([
    // a warm-up epoch of 3 kWh then 1 kWh epochs: counted once, the rest at the steady rate
    {
      name: 'warm-up kept once',
      units: [3, 1, 1, 1, 1],
      planned: 100,
      projected: 3 + 99 * 1,
      linear: (7 / 5) * 100
    },
    {
      name: 'no warm-up: same as linear',
      units: [2, 2, 2],
      planned: 10,
      projected: 20,
      linear: 20
    },
    // the clipped mean ignores one slow epoch (a checkpoint save) that the plain mean spreads over the run
    {
      name: 'median resists an outlier',
      units: [1, 1, 1, 5, 1, 1],
      planned: 50,
      projected: 50,
      linear: (10 / 6) * 50
    },
    { name: 'one unit observed', units: [4], planned: 3, projected: 12, linear: 12 },
    { name: 'planned one unit', units: [4, 1], planned: 1, projected: 4, linear: 2.5 }
  ])('$name', ({ units, planned, projected, linear }) => {
    const p = projectEnergy(
      units.map((u) => u * KWH),
      planned
    )
    expect(p.projectedJ / KWH).toBeCloseTo(projected, 9)
    expect(p.linearJ / KWH).toBeCloseTo(linear, 9)
    expect(p.interval[0]).toBeLessThanOrEqual(p.projectedJ)
    expect(p.interval[1]).toBeGreaterThanOrEqual(p.projectedJ)
  })

  it('widens the interval with the dispersion of the observed epochs', () => {
    const calm = projectEnergy(
      [3, 1, 1.01, 0.99, 1, 1.01, 0.99].map((u) => u * KWH),
      100
    )
    const noisy = projectEnergy(
      [3, 1, 1.3, 0.7, 1, 1.3, 0.7].map((u) => u * KWH),
      100
    )
    expect(calm.dispersion).toBe('floor') // 1% scatter is below the 2% floor
    expect(noisy.dispersion).toBe('observed')
    expect(noisy.interval[1] - noisy.interval[0]).toBeGreaterThan(
      5 * (calm.interval[1] - calm.interval[0])
    )
  })

  it('computes the interval from the rate standard error, the per-unit scatter and Student t', () => {
    // later units 0.9 1.0 1.1 1.0 1.0: median 1.0, MAD 0 -> the 2% floor gives sd 0.02 kWh; 2 kWh stands out: warm-up
    const p = projectEnergy(
      [2, 0.9, 1.0, 1.1, 1.0, 1.0].map((u) => u * KWH),
      11
    )
    const sd = 0.02
    const totalSd = Math.sqrt((10 * (sd / Math.sqrt(5))) ** 2 + 10 * sd ** 2)
    expect(p.method).toBe('warm-up + robust mean')
    expect(p.projectedJ / KWH).toBeCloseTo(12, 9)
    expect(p.interval[1] / KWH).toBeCloseTo(12 + 1.5332063 * totalSd, 4) // t(0.9, 4 df)
  })

  it('pools the first unit when it does not stand out', () => {
    const p = projectEnergy(
      [1.05, 1, 0.95, 1].map((u) => u * KWH),
      10
    )
    expect(p.method).toBe('robust mean')
    expect(p.projectedJ / KWH).toBeCloseTo(10, 9)
  })

  it.each([
    { cap: 200, status: 'under' },
    { cap: 50, status: 'over' },
    { cap: 102, status: 'straddles' }
  ])('budget projected-kwh $cap -> $status', ({ cap, status }) => {
    const p = projectEnergy(
      [3, 1, 1.3, 0.7, 1, 1.3, 0.7].map((u) => u * KWH),
      100,
      { projectedKwh: cap }
    )
    expect(p.budget).toEqual({ projectedKwh: cap, status })
  })

  it.each([
    {
      units: [],
      planned: 10,
      message: /progress: got \[\], expected at least one completed epoch/
    },
    { units: [1], planned: 0, message: /planned: got 0/ },
    { units: [1], planned: 2.5, message: /planned: got 2.5/ }
  ])('rejects $units / $planned', ({ units, planned, message }) => {
    expect(() => projectEnergy(units, planned)).toThrow(UsageError)
    expect(() => projectEnergy(units, planned)).toThrow(message)
  })
})

describe('deriveUnitEnergies', () => {
  it('takes the last line of each epoch as its end, and differences of cumulative energy', () => {
    const progress: ProgressPoint[] = [
      { elapsedS: 5, energyJ: 100, values: { epoch: 1, loss: 2 } },
      { elapsedS: 9, energyJ: 300, values: { epoch: 1, psds1: 0.1 } },
      { elapsedS: 15, energyJ: 450, values: { epoch: 2, psds1: 0.2 } },
      { elapsedS: 16, energyJ: 460, values: { note: 'checkpoint' } },
      { elapsedS: 21, energyJ: 600, values: { epoch: 3, psds1: 0.3 } }
    ]
    expect(deriveUnitEnergies(progress)).toEqual({
      unit: 'epoch',
      units: [
        { index: 1, energyJ: 300, durationS: 9, span: 1 },
        { index: 2, energyJ: 150, durationS: 6, span: 1 },
        { index: 3, energyJ: 150, durationS: 6, span: 1 }
      ]
    })
    expect(projectFromProgress(progress, 10).projectedJ).toBe(300 + 9 * 150)
  })

  it('falls back to steps when no line has an epoch', () => {
    const progress: ProgressPoint[] = [1, 2, 3].map((s) => ({
      elapsedS: s,
      energyJ: s * 10,
      values: { step: s * 100 }
    }))
    const derived = deriveUnitEnergies(progress)
    expect(derived.unit).toBe('step')
    expect(derived.units.map((u) => u.index)).toEqual([100, 200, 300])
  })

  it('shares a stretch of steps without lines of their own evenly among them', () => {
    // a line every 100 steps at 10 J per 100 steps: 0.1 J a step, 300 steps observed
    const progress: ProgressPoint[] = [1, 2, 3].map((s) => ({
      elapsedS: s,
      energyJ: s * 10,
      values: { step: s * 100 }
    }))
    expect(deriveUnitEnergies(progress).units.map((u) => [u.energyJ, u.span])).toEqual([
      [0.1, 100],
      [0.1, 100],
      [0.1, 100]
    ])
    const p = projectFromProgress(progress, 1000)
    expect(p.observed).toBe(300)
    expect(p.projectedJ).toBeCloseTo(100, 9)
  })
})
