import { describe, expect, it } from '@jest/globals'
import { buildCalibrationPoint, computeCv, detectDrift } from '../../../src/core/normalize/index.js'
import { CALIBRATION_SCHEMA } from '../../../src/core/types.js'
import type { Calibration, CalibrationPoint } from '../../../src/core/types.js'

const run = (energyJ: number, extra: Record<string, number> = {}) => ({
  energyJ,
  durationS: energyJ / 100,
  meanPowerW: 100,
  ...extra
})

describe('computeCv', () => {
  it.each([
    [[5], 0],
    [[10, 10, 10], 0],
    [[9, 11], Math.SQRT2 / 10],
    [[1, 2, 3, 4], Math.sqrt(5 / 3) / 2.5]
  ])('cv of %j is %f', (xs, cv) => expect(computeCv(xs)).toBeCloseTo(cv, 12))
})

describe('buildCalibrationPoint', () => {
  it('averages runs and keeps the spread as cv', () => {
    const p = buildCalibrationPoint('crnn-b8', [run(900), run(1000), run(1100)])
    expect(p).toMatchObject({
      workload: 'crnn-b8',
      energyJ: 1000,
      durationS: 10,
      meanPowerW: 100,
      runs: 3
    })
    expect(p.cv).toBeCloseTo(0.1, 12)
    expect(p.flops).toBeUndefined()
  })

  it.each([
    [
      'every run has them',
      [run(1, { flops: 4, params: 7 }), run(1, { flops: 6, params: 7 })],
      { flops: 5, params: 7 }
    ],
    ['one run lacks flops', [run(1, { flops: 4, params: 7 }), run(1, { params: 7 })], { params: 7 }]
  ])('keeps flops and params only when %s', (_name, runs, expected) => {
    const p = buildCalibrationPoint('w', runs)
    const base: Record<string, number | undefined> = { flops: undefined, params: undefined }
    expect({ flops: p.flops, params: p.params }).toEqual({ ...base, ...expected })
  })

  it.each([
    ['no runs', []],
    ['zero energy', [run(0)]],
    ['NaN power', [{ energyJ: 1, durationS: 1, meanPowerW: Number.NaN }]]
  ])('refuses %s', (_name, runs) => {
    expect(() => buildCalibrationPoint('w', runs)).toThrow(/w/)
  })
})

const calib = (points: CalibrationPoint[], createdAt = '2026-11-26'): Calibration => ({
  schema: CALIBRATION_SCHEMA,
  createdAt,
  host: { fingerprint: 'h', cpu: 'c', gpus: [] },
  idlePowerW: null,
  points
})
const point = (workload: string, energyJ: number, cv?: number): CalibrationPoint => ({
  workload,
  energyJ,
  durationS: 1,
  meanPowerW: 1,
  ...(cv === undefined ? {} : { cv })
})

describe('detectDrift', () => {
  it.each([
    ['within twice the cv', 1000, 1090, 0.05, 0],
    ['beyond twice the cv', 1000, 1110, 0.05, 1],
    ['a drop beyond twice the cv', 1000, 880, 0.05, 1],
    ['no cv: 1% floor, small move', 1000, 1015, undefined, 0],
    ['no cv: 1% floor, large move', 1000, 1030, undefined, 1]
  ])('%s', (_name, before, after, cv, count) => {
    const warnings = detectDrift(
      calib([point('a', before, cv)]),
      calib([point('a', after, cv)], '2026-11-27')
    )
    expect(warnings).toHaveLength(count)
    if (count) expect(warnings[0]).toMatch(/^a: energy moved/)
  })

  it('uses the larger cv of the two calibrations and ignores workloads not in both', () => {
    const prev = calib([point('a', 1000, 0.01), point('gone', 1)])
    const next = calib([point('a', 1150, 0.1), point('new', 5)])
    expect(detectDrift(prev, next)).toEqual([])
  })
})
