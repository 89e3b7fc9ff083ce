// One reader of joulegate.measurement/v1: what `normalize` refuses in a file, mode `report`
// refuses in a result file's measured run, with the same field and value.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { UsageError } from '../../../src/core/errors.js'
import {
  findMeasurementProblem,
  validateMeasurement
} from '../../../src/core/history/measurement-codec.js'
import { measurementJson } from '../normalize/fixtures.js'

// the fixture's one GPU, changed where a case says
const gpu = (patch: object): { components: object[] } => ({
  components: [{ ...(measurementJson().components as object[])[0], ...patch }]
})

const real = JSON.parse(readFileSync('__tests__/fixtures/real-h100-measurement.json', 'utf8'))

describe('the measurement codec', () => {
  it('reads a measurement joulegate wrote for both uses', () => {
    expect(findMeasurementProblem(real, 'record')).toBeNull()
    expect(validateMeasurement(real, 'm.json').energyJ).toBe(real.energyJ)
    expect(findMeasurementProblem(measurementJson(), 'record')).toBeNull()
  })

  it('says a calibration is not a measurement by its schema id first', () => {
    const calibration = { schema: 'joulegate.calibration/v1', points: [] }
    expect(() => validateMeasurement(calibration, 'cal.json')).toThrow(
      'cal.json: schema: got "joulegate.calibration/v1", expected "joulegate.measurement/v1"'
    )
  })

  it.each([
    [
      'an unknown component kind',
      gpu({ kind: 'tpu' }),
      '/components/0/kind',
      /m\.json: components\[0\]\.kind: got "tpu", expected "gpu" \| "cpu" \| "ram" \| "other"/
    ],
    [
      'an unknown method',
      gpu({ method: 'guess' }),
      '/components/0/method',
      /components\[0\]\.method: got "guess"/
    ],
    [
      'a negative mean power',
      gpu({ meanPowerW: -1 }),
      '/components/0/meanPowerW',
      /components\[0\]\.meanPowerW: got -1, expected a finite number >= 0/
    ],
    ['energy as text', { energyJ: 'lots' }, '/energyJ', /energyJ: got "lots"/],
    ['an empty family', { family: ' ' }, '/family', /family: got " ", expected a non-empty/]
  ])('refuses %s for both uses', (_name, patch, pointer, message) => {
    const json = measurementJson(patch)
    expect(() => validateMeasurement(json, 'm.json')).toThrow(UsageError)
    expect(() => validateMeasurement(json, 'm.json')).toThrow(message)
    expect(findMeasurementProblem(json, 'record')?.instancePath).toBe(pointer)
  })

  it('requires every contract field of a recorded run, but only energy and duration of a file', () => {
    const bare = { energyJ: 10, durationS: 1 }
    expect(validateMeasurement(bare, 'm.json').components).toEqual([])
    expect(findMeasurementProblem(bare, 'record')).toMatchObject({
      keyword: 'required',
      params: { missingProperty: 'schema' }
    })
    expect(findMeasurementProblem(measurementJson({ components: [] }), 'record')).toMatchObject({
      instancePath: '/components',
      keyword: 'minItems'
    })
  })

  it('accepts a recorded run that used no energy, which normalisation refuses', () => {
    const idle = measurementJson({ energyJ: 0, ...gpu({ energyJ: 0, meanPowerW: 0 }) })
    expect(findMeasurementProblem(idle, 'record')).toBeNull()
    expect(() => validateMeasurement(idle, 'm.json')).toThrow(
      'm.json: energyJ: got 0, expected a finite number > 0'
    )
  })
})
