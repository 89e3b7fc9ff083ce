import { describe, expect, it } from '@jest/globals'
import { parseBudget } from '../../../src/core/judge/budget/parse-budget.js'
import { UsageError } from '../../../src/core/errors.js'

const CONTRACT_EXAMPLE = `
metrics:
  psds1: higher
  val_loss: lower
budget:
  energy-kwh: 2.0
  energy-increase: 10%
  co2-grams: 800
  price:
    metric: psds1
    kwh-per-unit: 5.0
  metric-drop:
    psds1: 0.01
  projected-kwh: 40
`

describe('parseBudget: valid files', () => {
  it('reads the contract example', () => {
    expect(parseBudget(CONTRACT_EXAMPLE, 'joulegate.yml')).toEqual({
      source: 'joulegate.yml',
      metrics: { psds1: 'higher', val_loss: 'lower' },
      energyKwh: 2,
      energyIncrease: 0.1,
      co2Grams: 800,
      price: { metric: 'psds1', kwhPerUnit: 5 },
      metricDrop: { psds1: 0.01 },
      projectedKwh: 40
    })
  })

  it.each([
    { name: 'empty file', text: '', want: { energyIncrease: null, metrics: {} } },
    { name: 'comment only', text: '# nothing yet\n', want: { energyIncrease: null } },
    {
      name: 'decimal percent',
      text: 'budget:\n  energy-increase: 2.5%\n',
      want: { energyIncrease: 0.025 }
    },
    {
      name: 'zero percent',
      text: 'budget:\n  energy-increase: "0%"\n',
      want: { energyIncrease: 0 }
    },
    {
      name: 'metrics only',
      text: 'metrics:\n  acc: higher\n',
      want: { metrics: { acc: 'higher' }, price: null }
    }
  ])('$name', ({ text, want }) => {
    expect(parseBudget(text, 'b.yml')).toMatchObject(want)
  })
})

describe('parseBudget: errors name the key, the value and the expectation', () => {
  it.each([
    {
      name: 'misspelt rule',
      text: 'budget:\n  energy-increse: 10%\n',
      parts: [
        'b.yml',
        'budget.energy-increse',
        'unknown key',
        '"10%"',
        'energy-increase, ',
        'did you mean energy-increase?'
      ]
    },
    {
      name: 'misspelt top-level key',
      text: 'bugdet:\n  energy-kwh: 1\n',
      parts: ['bugdet: unknown key', 'expected one of metrics, budget', 'did you mean budget?']
    },
    {
      name: 'far-off key has no suggestion',
      text: 'budget:\n  banana: 1\n',
      parts: ['budget.banana: unknown key'],
      absent: 'did you mean'
    },
    {
      name: 'bare number for a percentage',
      text: 'budget:\n  energy-increase: 10\n',
      parts: ['budget.energy-increase: got 10', 'with a % sign, such as "10%"']
    },
    {
      name: 'string for a number',
      text: 'budget:\n  energy-kwh: "2"\n',
      parts: ['budget.energy-kwh: got "2"', 'a positive number of kWh']
    },
    {
      name: 'negative cap',
      text: 'budget:\n  co2-grams: -5\n',
      parts: ['budget.co2-grams: got -5', 'positive number']
    },
    {
      name: 'bad direction',
      text: 'metrics:\n  psds1: up\n',
      parts: ['metrics.psds1: got "up"', 'higher or lower']
    },
    {
      name: 'price without kwh-per-unit',
      text: 'metrics: {a: higher}\nbudget:\n  price: {metric: a}\n',
      parts: ['budget.price.kwh-per-unit: missing']
    },
    {
      name: 'unknown key inside price',
      text: 'metrics: {a: higher}\nbudget:\n  price: {metric: a, kwh-per-unit: 1, kwh_per_unit: 2}\n',
      parts: ['budget.price.kwh_per_unit: unknown key', 'did you mean kwh-per-unit?']
    },
    {
      name: 'price metric without direction',
      text: 'metrics: {psds1: higher}\nbudget:\n  price: {metric: psds, kwh-per-unit: 1}\n',
      parts: [
        'budget.price.metric: got "psds"',
        'declared under metrics: (psds1)',
        'did you mean psds1?'
      ]
    },
    {
      name: 'metric-drop metric without direction',
      text: 'budget:\n  metric-drop: {acc: 0.01}\n',
      parts: ['budget.metric-drop.acc', 'no direction', 'none declared']
    },
    {
      name: 'top level not a mapping',
      text: '- a\n- b\n',
      parts: ['(top level): got ["a","b"]', 'a mapping']
    },
    {
      name: 'YAML syntax error',
      text: 'budget:\n  energy-kwh: [1,\n',
      parts: ['YAML syntax error at line', 'column']
    },
    {
      name: 'duplicate key',
      text: 'budget:\n  energy-kwh: 1\n  energy-kwh: 2\n',
      parts: ['line 3, column 3', 'unique']
    }
  ])('$name', ({ text, parts, absent }) => {
    let caught: unknown
    try {
      parseBudget(text, 'b.yml')
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(UsageError)
    const message = (caught as Error).message
    for (const p of parts) expect(message).toContain(p)
    if (absent) expect(message).not.toContain(absent)
  })

  it('reports every problem at once', () => {
    const text = 'budget:\n  energy-kwh: "x"\n  co2-gram: 5\n'
    const message = (() => {
      try {
        parseBudget(text, 'b.yml')
        return ''
      } catch (e) {
        return (e as Error).message
      }
    })()
    expect(message.split('\n')).toHaveLength(2)
    expect(message).toContain('budget.energy-kwh')
    expect(message).toContain('did you mean co2-grams?')
  })
})
