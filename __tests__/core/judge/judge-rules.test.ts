import { describe, expect, it } from '@jest/globals'
import { UsageError } from '../../../src/core/errors.js'
import type { Budget } from '../../../src/core/judge/budget/budget-schema.js'
import { judge } from '../../../src/core/judge/verdict.js'
import {
  KWH,
  makeBudget,
  makeInput,
  makeMeasurement,
  makeNormalization,
  makeRecord,
  type MeasurementSpec
} from './fixtures.js'

const BASE = "the pull request's base commit"
const gate = makeBudget({ metrics: { psds1: 'higher' }, energyIncrease: 0.1 })

interface RuleRow {
  name: string
  budget: Budget
  run: MeasurementSpec
  base: MeasurementSpec
  status: string
}

describe('judge: other rules', () => {
  const run = (over: Parameters<typeof makeMeasurement>[0]) => ({
    measurement: makeMeasurement(over),
    normalization: null
  })
  it.each<RuleRow>([
    {
      name: 'metric-drop beyond the allowance',
      budget: makeBudget({ metrics: { psds1: 'higher' }, metricDrop: { psds1: 0.01 } }),
      run: { kwh: 0.1, metrics: { psds1: 0.55 } },
      base: { kwh: 0.1, metrics: { psds1: 0.59 } },
      status: 'fail'
    },
    {
      name: 'metric-drop within the allowance',
      budget: makeBudget({ metrics: { psds1: 'higher' }, metricDrop: { psds1: 0.05 } }),
      run: { kwh: 0.1, metrics: { psds1: 0.55 } },
      base: { kwh: 0.1, metrics: { psds1: 0.59 } },
      status: 'pass'
    },
    {
      name: 'a lower-is-better metric rising is a loss',
      budget: makeBudget({ metrics: { val_loss: 'lower' }, metricDrop: { val_loss: 0.01 } }),
      run: { kwh: 0.1, metrics: { val_loss: 0.5 } },
      base: { kwh: 0.1, metrics: { val_loss: 0.4 } },
      status: 'fail'
    },
    {
      name: 'a metric the run stopped reporting',
      budget: makeBudget({ metrics: { psds1: 'higher' }, metricDrop: { psds1: 0.01 } }),
      run: { kwh: 0.1 },
      base: { kwh: 0.1, metrics: { psds1: 0.59 } },
      status: 'fail'
    },
    {
      name: 'energy-kwh on measured energy over the cap',
      budget: makeBudget({ energyKwh: 0.15 }),
      run: { kwh: 0.2 },
      base: { kwh: 0.1 },
      status: 'fail'
    },
    {
      name: 'co2-grams under the cap (0.1 kWh × 481 g)',
      budget: makeBudget({ co2Grams: 50 }),
      run: { kwh: 0.1 },
      base: { kwh: 0.1 },
      status: 'pass'
    },
    {
      name: 'co2-grams over the cap',
      budget: makeBudget({ co2Grams: 40 }),
      run: { kwh: 0.1 },
      base: { kwh: 0.1 },
      status: 'fail'
    },
    {
      name: 'projected-kwh with no projection',
      budget: makeBudget({ projectedKwh: 10 }),
      run: { kwh: 0.1 },
      base: { kwh: 0.1 },
      status: 'not-applicable'
    }
  ])('$name', ({ budget, run: r, base, status }) => {
    const j = judge(
      makeInput({ budget, run: run(r), baseline: { record: makeRecord(base), reason: BASE } })
    )
    expect(j.rules).toHaveLength(1)
    expect(j.rules[0]!.status).toBe(status)
    expect(j.verdict).toBe(status === 'fail' ? 'fail' : 'pass')
  })

  it('a lower-is-better price metric: a falling loss is a gain that pays', () => {
    const budget = makeBudget({
      metrics: { val_loss: 'lower' },
      energyIncrease: 0.1,
      price: { metric: 'val_loss', kwhPerUnit: 10 }
    })
    const j = judge(
      makeInput({
        budget,
        run: run({ kwh: 0.2, metrics: { val_loss: 0.3 } }),
        baseline: { record: makeRecord({ kwh: 0.1, metrics: { val_loss: 0.4 } }), reason: BASE }
      })
    )
    expect(j.verdict).toBe('pass')
  })

  it.each([
    { cap: 0.05, status: 'fail' },
    { cap: 0.1, status: 'inconclusive' },
    { cap: 0.2, status: 'pass' }
  ])(
    'energy-kwh judges a normalised run on its 80% interval [0.09, 0.11]: cap $cap → $status',
    ({ cap, status }) => {
      const j = judge(
        makeInput({
          budget: makeBudget({ energyKwh: cap }),
          run: { measurement: makeMeasurement({ kwh: 0.5 }), normalization: makeNormalization(0.1) }
        })
      )
      expect(j.rules[0]!.status).toBe(status)
      expect(j.rules[0]!.actual).toContain('normalised')
    }
  )

  it.each([
    { interval: [12, 14] as [number, number], status: 'fail' },
    { interval: [8, 12] as [number, number], status: 'inconclusive' },
    { interval: [6, 9] as [number, number], status: 'pass' }
  ])(
    'projected-kwh with a projection $interval against 10 kWh → $status',
    ({ interval, status }) => {
      const j = judge(
        makeInput({
          budget: makeBudget({ projectedKwh: 10 }),
          projection: { kwh: (interval[0] + interval[1]) / 2, interval },
          run: run({ kwh: 0.1 })
        })
      )
      expect(j.rules[0]!.status).toBe(status)
    }
  )
})

describe('judge: no baseline', () => {
  it.each([
    { name: 'relative rules only', budget: gate, verdict: 'no-baseline' },
    {
      name: 'an absolute cap that holds',
      budget: makeBudget({ energyIncrease: 0.1, co2Grams: 1000 }),
      verdict: 'no-baseline'
    },
    {
      name: 'an absolute cap that fails',
      budget: makeBudget({ energyIncrease: 0.1, co2Grams: 10 }),
      verdict: 'fail'
    }
  ])('$name → $verdict', ({ budget, verdict }) => {
    const j = judge(
      makeInput({
        budget,
        run: { measurement: makeMeasurement({ kwh: 0.1 }), normalization: null }
      })
    )
    expect(j.verdict).toBe(verdict)
    expect(j.change).toBeNull()
    const inc = j.rules.find((r) => r.rule === 'energy-increase')
    expect(inc?.status).toBe('not-applicable')
  })
})

describe('judge: figures', () => {
  it('the DCASE energy-weighted score is metric × E_base / E_run', () => {
    const j = judge(
      makeInput({
        budget: gate,
        run: {
          measurement: makeMeasurement({ kwh: 0.2, metrics: { psds1: 0.6 } }),
          normalization: null
        },
        baseline: { record: makeRecord({ kwh: 0.1, metrics: { psds1: 0.5 } }), reason: BASE }
      })
    )
    expect(j.energyWeighted).toEqual({ metric: 'psds1', base: 0.5, run: expect.closeTo(0.3, 10) })
  })

  it('CO2 uses the country table and PUE', () => {
    const j = judge(
      makeInput({
        carbonIntensity: 'FR',
        pue: 1.5,
        run: { measurement: makeMeasurement({ kwh: 2 }), normalization: null }
      })
    )
    expect(j.run.carbon.grams).toBeCloseTo(2 * 1.5 * 56, 9)
  })

  it('an unknown country code is a usage error', () => {
    expect(() =>
      judge(
        makeInput({
          carbonIntensity: 'QQ',
          run: { measurement: makeMeasurement({ kwh: 1 }), normalization: null }
        })
      )
    ).toThrow(UsageError)
  })

  it('notes estimates and metrics without a direction', () => {
    const j = judge(
      makeInput({
        run: {
          measurement: makeMeasurement({
            kwh: 1,
            method: 'estimate',
            metrics: { acc: 0.9, params: 10 }
          }),
          normalization: null
        }
      })
    )
    expect(j.run.isEstimate).toBe(true)
    expect(j.notes.join(' ')).toMatch(/estimates/)
    expect(j.notes.join(' ')).toMatch(/Metric acc has no direction/)
    expect(j.notes.join(' ')).not.toMatch(/Metric params/)
  })

  it.each([
    { name: 'all estimated', estimatedCpu: false, method: 'estimate' as const, want: '(estimate)' },
    {
      name: 'GPU counted, CPU estimated',
      estimatedCpu: true,
      method: 'counter' as const,
      want: '(mixed, includes estimate)'
    }
  ])(
    'labels the energy-kwh figure with how it was obtained: $name',
    ({ estimatedCpu, method, want }) => {
      const m = makeMeasurement({ kwh: 1, method })
      if (estimatedCpu)
        m.components.push({
          id: 'cpu0',
          kind: 'cpu',
          name: 'CPU',
          method: 'estimate',
          source: 'estimate',
          energyJ: 0.1 * KWH,
          meanPowerW: 20
        })
      const j = judge(
        makeInput({
          budget: makeBudget({ energyKwh: 5 }),
          run: { measurement: m, normalization: null }
        })
      )
      expect(j.rules.find((r) => r.rule === 'energy-kwh')!.actual).toContain(want)
    }
  )
})
