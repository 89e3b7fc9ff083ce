import { describe, expect, it } from '@jest/globals'
import { UsageError } from '../../../src/core/errors.js'
import { validateCalibration, validateMeasurement } from '../../../src/core/normalize/index.js'
import { CorruptHistoryError, parseCalibration } from '../../../src/core/history/history.js'
import { measurementJson } from './fixtures.js'

const goodCalibration = (): Record<string, unknown> => ({
  schema: 'joulegate.calibration/v1',
  createdAt: '2026-11-27T02:00:00.000Z',
  host: { fingerprint: 'f', cpu: 'c', gpus: [{ name: 'NVIDIA A40', powerLimitW: 300 }] },
  idlePowerW: 95,
  points: [
    {
      workload: 'crnn-b16',
      energyJ: 5120,
      durationS: 30.2,
      meanPowerW: 169.5,
      flops: 1.9e13,
      params: 1112420,
      runs: 3,
      cv: 0.012
    }
  ]
})

const withPoint = (patch: Record<string, unknown>): Record<string, unknown> => {
  const c = goodCalibration()
  c.points = [{ ...(c.points as object[])[0], ...patch }]
  return c
}

describe('validateCalibration', () => {
  it('accepts the DESIGN.md example unchanged', () => {
    const c = validateCalibration(goodCalibration(), 'a40.json')
    expect(c.points[0]).toMatchObject({ workload: 'crnn-b16', runs: 3, cv: 0.012 })
    expect(c.host.gpus[0].powerLimitW).toBe(300)
  })

  it('accepts GPU names given as bare strings', () => {
    const c = goodCalibration()
    c.host = { fingerprint: 'f', cpu: 'c', gpus: ['NVIDIA A40'] }
    expect(validateCalibration(c, 'x.json').host.gpus).toEqual([
      { name: 'NVIDIA A40', powerLimitW: null }
    ])
  })

  it.each([
    [
      'wrong schema',
      { ...goodCalibration(), schema: 'joulegate.calibration/v0' },
      /x\.json: schema: got "joulegate.calibration\/v0"/
    ],
    [
      'no points',
      { ...goodCalibration(), points: [] },
      /points: got \[\], expected a non-empty array/
    ],
    [
      'zero energy',
      withPoint({ energyJ: 0 }),
      /points\[0\]\.energyJ: got 0, expected a finite number > 0/
    ],
    ['negative duration', withPoint({ durationS: -3 }), /points\[0\]\.durationS: got -3/],
    ['power as string', withPoint({ meanPowerW: '170' }), /points\[0\]\.meanPowerW: got "170"/],
    [
      'fractional runs',
      withPoint({ runs: 2.5 }),
      /points\[0\]\.runs: got 2.5, expected an integer >= 1/
    ],
    ['negative cv', withPoint({ cv: -0.1 }), /points\[0\]\.cv: got -0.1/],
    ['power × time far above energy', withPoint({ meanPowerW: 1000 }), /units do not add up/],
    ['empty workload name', withPoint({ workload: '' }), /points\[0\]\.workload/],
    [
      'negative power limit',
      { ...goodCalibration(), host: { gpus: [{ name: 'A40', powerLimitW: -1 }] } },
      /host\.gpus\[0\]\.powerLimitW: got -1/
    ],
    ['not an object', [1, 2], /calibration: got \[1,2\], expected a JSON object/]
  ])('refuses %s, naming file, field and value', (_name, json, message) => {
    expect(() => validateCalibration(json, 'x.json')).toThrow(UsageError)
    expect(() => validateCalibration(json, 'x.json')).toThrow(message)
  })

  it('refuses a workload listed twice', () => {
    const c = goodCalibration()
    c.points = [...(c.points as object[]), ...(c.points as object[])]
    expect(() => validateCalibration(c, 'x.json')).toThrow(
      /points\[1\]\.workload: got "crnn-b16", expected a name used by one point only/
    )
  })
})

describe('validateMeasurement', () => {
  it('reads energy, duration, components and the reserved metrics', () => {
    const m = validateMeasurement(
      measurementJson({ metrics: { params: 1e6, macs: 5e8, psds1: 0.5 } }),
      'm.json'
    )
    expect(m).toMatchObject({ energyJ: 20000, durationS: 100, metrics: { params: 1e6, macs: 5e8 } })
    expect(m.components[0]).toEqual({
      kind: 'gpu',
      energyJ: 15000,
      meanPowerW: 150,
      powerLimitW: 300,
      method: 'counter'
    })
  })

  it('accepts a measurement without components or schema (falls back later)', () => {
    expect(validateMeasurement({ energyJ: 10, durationS: 1 }, 'm.json').components).toEqual([])
  })

  it.each([
    [
      'zero energy',
      measurementJson({ energyJ: 0 }),
      /m\.json: energyJ: got 0, expected a finite number > 0/
    ],
    ['negative energy', measurementJson({ energyJ: -5 }), /energyJ: got -5/],
    ['missing duration', measurementJson({ durationS: undefined }), /durationS: got undefined/],
    ['wrong schema', measurementJson({ schema: 'other' }), /schema: got "other"/],
    [
      'component energy ≠ power × time',
      measurementJson({
        components: [{ kind: 'gpu', energyJ: 50000, meanPowerW: 150 }],
        energyJ: 60000
      }),
      /components\[0\]\.energyJ: got 50000, expected about meanPowerW × durationS = 15000\.0 J/
    ],
    [
      'components above the total',
      measurementJson({
        energyJ: 1000,
        components: [{ kind: 'gpu', energyJ: 15000, meanPowerW: 150 }]
      }),
      /energyJ: got 1000, expected at least the components' sum/
    ],
    [
      'zero power limit',
      measurementJson({
        components: [{ kind: 'gpu', energyJ: 15000, meanPowerW: 150, powerLimitW: 0 }]
      }),
      /components\[0\]\.powerLimitW: got 0/
    ],
    ['params as text', measurementJson({ metrics: { params: '1M' } }), /metrics\.params: got "1M"/]
  ])('refuses %s', (_name, json, message) => {
    expect(() => validateMeasurement(json, 'm.json')).toThrow(message)
  })
})

describe('one calibration reader for the store and the files', () => {
  it('accepts the v1 additions (kind, gpuCount, powerLimitW, family) and still reads files without them', () => {
    const c = withPoint({ gpuCount: 8, powerLimitW: 5600, family: 'sed-crnn' })
    c.kind = 'full'
    expect(validateCalibration(c, 'x.json').points[0]).toMatchObject({
      gpuCount: 8,
      powerLimitW: 5600,
      family: 'sed-crnn'
    })
    expect(validateCalibration(goodCalibration(), 'x.json').kind).toBeUndefined()
  })

  it.each([
    ['an unknown kind', { ...goodCalibration(), kind: 'smoke' }, /kind: got "smoke"/],
    ['power given as text', withPoint({ meanPowerW: '170' }), /points\[0\]\.meanPowerW: got "170"/],
    ['a fractional gpuCount', withPoint({ gpuCount: 1.5 }), /points\[0\]\.gpuCount: got 1.5/]
  ])('the store refuses %s exactly as --calibration does', (_name, json, message) => {
    expect(() => validateCalibration(json, 'x.json')).toThrow(message)
    expect(() => parseCalibration(JSON.stringify(json), 'calibration/f.json')).toThrow(
      CorruptHistoryError
    )
    expect(() => parseCalibration(JSON.stringify(json), 'calibration/f.json')).toThrow(message)
  })
})
