import { describe, expect, test } from '@jest/globals'
import { formatEnergy } from '../../../src/core/report/format.js'

describe('formatEnergy', () => {
  test.each([
    [0.000012, '0.000012 J'],
    [224, '224 J'],
    [3600, '1 Wh'],
    [224_000, '62.2 Wh'],
    [224.64, '225 J'],
    [5.4e9, '1.5 MWh'],
    [1e13, '2780 MWh'],
    [7.2e6, '2 kWh']
  ])('%p J reads %p, never in e-notation', (joules, text) => {
    expect(formatEnergy(joules)).toBe(text)
    expect(formatEnergy(joules)).not.toMatch(/e[+-]?\d/)
  })
})
