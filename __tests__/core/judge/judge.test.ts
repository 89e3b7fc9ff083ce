import { describe, expect, it } from '@jest/globals'
import { renderReport } from '../../../src/core/report/render-report.js'
import { exitCodeForVerdict, judge } from '../../../src/core/judge/verdict.js'
import {
  makeBudget,
  makeInput,
  makeMeasurement,
  makeNormalization,
  makeRecord
} from './fixtures.js'

const BASE = "the pull request's base commit"
const gate = makeBudget({ metrics: { psds1: 'higher' }, energyIncrease: 0.1 })
const priced = makeBudget({
  metrics: { psds1: 'higher' },
  energyIncrease: 0.1,
  price: { metric: 'psds1', kwhPerUnit: 5 }
})
const calibrated = { cv: 0.03, source: 'calibration' as const }

describe('judge: the issue scenarios', () => {
  it.each([
    {
      name: '~2x energy against a 10% budget fails on energy-increase',
      budget: gate,
      base: 0.1,
      run: 0.2,
      psds: [0.59, 0.59],
      verdict: 'fail',
      rule: 'energy-increase'
    },
    {
      name: 'the same run with a gain the price pays for passes on price',
      budget: priced,
      base: 0.1,
      run: 0.2,
      psds: [0.59, 0.65],
      verdict: 'pass',
      rule: 'price'
    },
    {
      name: 'a gain too small to pay fails on price',
      budget: priced,
      base: 0.1,
      run: 0.2,
      psds: [0.59, 0.595],
      verdict: 'fail',
      rule: 'price'
    },
    {
      name: 'a run at the baseline cost passes',
      budget: gate,
      base: 0.1,
      run: 0.1,
      psds: [0.59, 0.59],
      verdict: 'pass',
      rule: 'energy-increase',
      floor: calibrated,
      repeat: 3
    },
    {
      name: 'a run cheaper than the baseline passes',
      budget: gate,
      base: 0.1,
      run: 0.08,
      psds: [0.59, 0.59],
      verdict: 'pass',
      rule: 'energy-increase'
    }
  ])('$name', ({ budget, base, run, psds, verdict, rule, floor, repeat }) => {
    const rep = repeat ? { n: repeat, cv: 0.02 } : undefined
    const j = judge(
      makeInput({
        budget,
        noiseFloor: floor ?? null,
        run: {
          measurement: makeMeasurement({ kwh: run, metrics: { psds1: psds[1]! }, repeat: rep }),
          normalization: null
        },
        baseline: {
          record: makeRecord({ kwh: base, metrics: { psds1: psds[0]! }, repeat: rep }),
          reason: BASE
        }
      })
    )
    expect(j.verdict).toBe(verdict)
    expect(j.decidingRule?.rule).toBe(rule)
    expect(j.headline.startsWith(rule)).toBe(true)
    expect(exitCodeForVerdict(j.verdict)).toBe(verdict === 'fail' ? 1 : 0)
  })

  it('lists every rule it checked; energy-increase defers to a judged price', () => {
    const j = judge(
      makeInput({
        budget: priced,
        run: {
          measurement: makeMeasurement({ kwh: 0.2, metrics: { psds1: 0.65 } }),
          normalization: null
        },
        baseline: { record: makeRecord({ kwh: 0.1, metrics: { psds1: 0.59 } }), reason: BASE }
      })
    )
    expect(j.rules.map((r) => [r.rule, r.status, r.supersededBy])).toEqual([
      ['energy-increase', 'fail', 'price'],
      ['price', 'pass', undefined]
    ])
    // 0.06 psds1 × 5 kWh = 0.3 kWh paid on a 0.1 kWh baseline: +10% + 300%
    expect(j.rules[1]!.limit).toContain('+310.0%')
  })
})

describe('judge: statistics', () => {
  it('a single run at the same cost with the default noise is inconclusive and says the default was used', () => {
    const j = judge(
      makeInput({
        budget: gate,
        run: { measurement: makeMeasurement({ kwh: 0.1 }), normalization: null },
        baseline: { record: makeRecord({ kwh: 0.1 }), reason: BASE }
      })
    )
    expect(j.verdict).toBe('inconclusive')
    expect(j.change?.floor.source).toBe('default')
    // said once, by the statistics line of the report, not again among the notes
    expect(j.change?.noiseNote).toContain('default noise floor cv 5.0%')
    expect(renderReport(j, { marker: null }).split('default noise floor cv 5.0%').length).toBe(2)
  })

  it('prefers normalised energy when both sides have it', () => {
    const j = judge(
      makeInput({
        budget: gate,
        noiseFloor: calibrated,
        run: { measurement: makeMeasurement({ kwh: 0.3 }), normalization: makeNormalization(0.1) },
        baseline: { record: makeRecord({ kwh: 0.1, normalizedKwh: 0.1 }), reason: BASE }
      })
    )
    expect(j.basis).toBe('normalized')
    expect(j.change?.change).toBeCloseTo(0, 9)
    expect(j.verdict).toBe('pass')
  })

  it('falls back to measured energy when the baseline has no normalisation', () => {
    const j = judge(
      makeInput({
        budget: gate,
        run: { measurement: makeMeasurement({ kwh: 0.3 }), normalization: makeNormalization(0.1) },
        baseline: { record: makeRecord({ kwh: 0.1 }), reason: BASE }
      })
    )
    expect(j.basis).toBe('measured')
    expect(j.change?.change).toBeCloseTo(2, 9)
    expect(j.verdict).toBe('fail')
  })

  it('across hosts, normalisation uncertainty widens the interval', () => {
    const make = (fp: string) =>
      judge(
        makeInput({
          budget: gate,
          noiseFloor: calibrated,
          run: {
            measurement: makeMeasurement({ kwh: 0.3, fingerprint: fp }),
            normalization: makeNormalization(0.1)
          },
          baseline: { record: makeRecord({ kwh: 0.1, normalizedKwh: 0.1 }), reason: BASE }
        })
      )
    const same = make('host-a').change!
    const other = make('host-b').change!
    expect(other.interval[1]).toBeGreaterThan(same.interval[1])
  })
})
