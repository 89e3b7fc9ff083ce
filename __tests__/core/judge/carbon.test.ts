import { describe, expect, it } from '@jest/globals'
import {
  computeCarbon,
  describeIntensity,
  resolveCarbonIntensity
} from '../../../src/core/judge/carbon.js'
import { CARBON_INTENSITY_2023 } from '../../../src/core/judge/carbon-intensity-data.js'
import { UsageError } from '../../../src/core/errors.js'

describe('resolveCarbonIntensity', () => {
  it.each([
    { setting: 'FR', grams: 56, origin: 'table', label: 'France (FR)' },
    { setting: 'fra', grams: 56, origin: 'table', label: 'France (FR)' },
    { setting: 'de', grams: 381, origin: 'table', label: 'Germany (DE)' },
    { setting: 'IND', grams: 713, origin: 'table', label: 'India (IN)' },
    { setting: 250, grams: 250, origin: 'setting', label: 'user setting' },
    { setting: null, grams: 481, origin: 'world', label: 'World average' }
  ])('$setting', ({ setting, grams, origin, label }) => {
    const i = resolveCarbonIntensity(setting)
    expect(i).toMatchObject({ gramsPerKwh: grams, origin, label })
    if (origin !== 'setting') expect(describeIntensity(i)).toMatch(/Our World in Data.*2023/)
  })

  it.each(['XX', 'USA1', 'zz', ''])(
    'unknown code %p names the setting, value and expectation',
    (code) => {
      expect(() => resolveCarbonIntensity(code)).toThrow(UsageError)
      expect(() => resolveCarbonIntensity(code)).toThrow(
        /carbon-intensity: got .*expected .*ISO 3166 country code/
      )
    }
  )

  it('refuses a negative number', () => {
    expect(() => resolveCarbonIntensity(-1)).toThrow(UsageError)
  })
})

describe('the shipped table', () => {
  it('has unique codes and plausible values', () => {
    const a2 = CARBON_INTENSITY_2023.map((r) => r.alpha2)
    const a3 = CARBON_INTENSITY_2023.map((r) => r.alpha3)
    expect(new Set(a2).size).toBe(a2.length)
    expect(new Set(a3).size).toBe(a3.length)
    for (const r of CARBON_INTENSITY_2023) {
      expect(r.alpha2).toMatch(/^[A-Z]{2}$/)
      expect(r.alpha3).toMatch(/^[A-Z]{3}$/)
      expect(r.gramsPerKwh).toBeGreaterThan(0)
      expect(r.gramsPerKwh).toBeLessThan(1200)
    }
  })
})

describe('computeCarbon', () => {
  it.each([
    { kwh: 2, pue: 1, grams: 2 * 56 },
    { kwh: 2, pue: 1.5, grams: 2 * 1.5 * 56 },
    { kwh: 0, pue: 1.2, grams: 0 }
  ])('$kwh kWh at PUE $pue', ({ kwh, pue, grams }) => {
    const c = computeCarbon(kwh, pue, resolveCarbonIntensity('FR'))
    expect(c.grams).toBeCloseTo(grams, 9)
    expect(c.method).toBe('estimate')
  })
})
