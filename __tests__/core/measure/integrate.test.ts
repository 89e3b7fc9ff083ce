import { describe, expect, it } from '@jest/globals'
import { integratePower } from '../../../src/core/measure/integrate.js'

describe('integratePower', () => {
  it.each([
    {
      name: 'constant 100 W for 10 s',
      s: [
        { t: 0, watts: 100 },
        { t: 10, watts: 100 }
      ],
      from: 0,
      to: 10,
      want: 1000
    },
    {
      name: 'ramp 0..100 W',
      s: [
        { t: 0, watts: 0 },
        { t: 10, watts: 100 }
      ],
      from: 0,
      to: 10,
      want: 500
    },
    {
      name: 'window inside readings',
      s: [
        { t: 0, watts: 0 },
        { t: 10, watts: 100 }
      ],
      from: 5,
      to: 10,
      want: 375
    },
    {
      name: 'held flat past the last reading',
      s: [
        { t: 0, watts: 50 },
        { t: 2, watts: 50 }
      ],
      from: 0,
      to: 4,
      want: 200
    },
    { name: 'empty', s: [], from: 0, to: 4, want: 0 }
  ])('$name', ({ s, from, to, want }) => {
    expect(integratePower(s, from, to)).toBeCloseTo(want, 6)
  })
})
