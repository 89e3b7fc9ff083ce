import { describe, expect, it } from '@jest/globals'
import {
  compareEnergy,
  decideAgainstLimit,
  DEFAULT_NOISE_CV,
  logSdFromInterval80,
  noiseFloorFromCalibration
} from '../../../src/core/compare/stats.js'

describe('compareEnergy', () => {
  it('single runs with a calibrated floor: normal interval on log(ratio)', () => {
    // ln(1.1) = 0.0953102, se = 0.03·√2 = 0.0424264, z(0.975) = 1.959964 → half-width 0.0831542
    const c = compareEnergy(
      { meanJ: 100, n: 1, cv: null },
      { meanJ: 110, n: 1, cv: null },
      { cv: 0.03, source: 'calibration' }
    )
    expect(c.method).toBe('normal-known-noise')
    expect(c.change).toBeCloseTo(0.1, 10)
    expect(c.interval[0]).toBeCloseTo(0.0122301, 6)
    expect(c.interval[1]).toBeCloseTo(0.1953803, 6)
    expect(c.state).toBe('increase')
  })

  it.each([
    { name: 'no change', run: 100, state: 'no-detectable-change' },
    { name: 'doubling', run: 200, state: 'increase' },
    { name: 'halving', run: 50, state: 'decrease' }
  ])('state for $name', ({ run, state }) => {
    expect(
      compareEnergy({ meanJ: 100, n: 1, cv: null }, { meanJ: run, n: 1, cv: null }, null).state
    ).toBe(state)
  })

  it('says when the default noise floor was used', () => {
    const c = compareEnergy({ meanJ: 100, n: 1, cv: null }, { meanJ: 100, n: 1, cv: null }, null)
    expect(c.floor).toEqual({ cv: DEFAULT_NOISE_CV, source: 'default' })
    expect(c.noiseNote).toContain('default noise floor cv 5.0%')
  })

  it('repeats on both sides and no floor: Welch t, wider than a normal interval with the same cvs', () => {
    const base = { meanJ: 100, n: 3, cv: 0.02 }
    const run = { meanJ: 104, n: 3, cv: 0.04 }
    const welch = compareEnergy(base, run, null)
    expect(welch.method).toBe('welch-t')
    expect(welch.df).toBeGreaterThan(2)
    expect(welch.df).toBeLessThan(4)
    const known = compareEnergy(base, run, { cv: 0.01, source: 'setting' })
    expect(known.method).toBe('normal-known-noise')
    expect(welch.interval[1] - welch.interval[0]).toBeGreaterThan(
      known.interval[1] - known.interval[0]
    )
  })

  it.each([
    { name: 'own cv below the floor is raised to it', own: 0.01, floor: 0.03, want: 0.03 },
    { name: 'own cv above the floor is kept', own: 0.06, floor: 0.03, want: 0.06 }
  ])('$name', ({ own, floor, want }) => {
    const c = compareEnergy(
      { meanJ: 100, n: 3, cv: own },
      { meanJ: 100, n: 3, cv: own },
      { cv: floor, source: 'calibration' }
    )
    expect(c.baseCv).toBe(want)
    expect(c.runCv).toBe(want)
  })

  it('more repeats narrow the interval', () => {
    const floor = { cv: 0.03, source: 'calibration' as const }
    const one = compareEnergy({ meanJ: 100, n: 1, cv: null }, { meanJ: 100, n: 1, cv: null }, floor)
    const five = compareEnergy(
      { meanJ: 100, n: 5, cv: 0.03 },
      { meanJ: 100, n: 5, cv: 0.03 },
      floor
    )
    expect(five.interval[1]).toBeLessThan(one.interval[1])
  })

  it('extra log variance (cross-host normalisation) widens the interval', () => {
    const a = compareEnergy({ meanJ: 100, n: 1, cv: null }, { meanJ: 100, n: 1, cv: null }, null)
    const b = compareEnergy(
      { meanJ: 100, n: 1, cv: null },
      { meanJ: 100, n: 1, cv: null },
      null,
      0.01
    )
    expect(b.interval[1]).toBeGreaterThan(a.interval[1])
  })
})

describe('decideAgainstLimit', () => {
  it.each([
    { iv: [0.2, 0.5], limit: 0.1, want: 'fail' },
    { iv: [-0.05, 0.05], limit: 0.1, want: 'pass' },
    { iv: [-0.05, 0.1], limit: 0.1, want: 'pass' },
    { iv: [0.05, 0.15], limit: 0.1, want: 'inconclusive' },
    { iv: [0.1, 0.15], limit: 0.1, want: 'inconclusive' }
  ] as const)('$iv against $limit: $want', ({ iv, limit, want }) => {
    expect(decideAgainstLimit(iv, limit)).toBe(want)
  })
})

describe('noiseFloorFromCalibration', () => {
  const point = (cv?: number) => ({
    workload: 'w',
    energyJ: 1,
    durationS: 1,
    meanPowerW: 1,
    ...(cv === undefined ? {} : { cv })
  })
  it.each([
    { points: [point(0.01), point(0.03), point(0.02)], want: { cv: 0.03, source: 'calibration' } },
    { points: [point(), point(0.02)], want: { cv: 0.02, source: 'calibration' } },
    { points: [point(), point()], want: null },
    { points: [], want: null }
  ])('%#', ({ points, want }) => {
    expect(noiseFloorFromCalibration(points)).toEqual(want)
  })
})

describe('logSdFromInterval80', () => {
  it('recovers the sd of a lognormal from its 10th and 90th percentiles', () => {
    const sd = 0.2
    const z90 = 1.2815516
    expect(logSdFromInterval80([Math.exp(-z90 * sd), Math.exp(z90 * sd)])).toBeCloseTo(sd, 6)
  })
  it('is 0 for a degenerate interval', () => {
    expect(logSdFromInterval80([0, 1])).toBe(0)
  })
})
