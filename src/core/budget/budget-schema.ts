// The budget file's shape (contract: ../shared/DESIGN.md "budget file"), as a JSON schema for ajv
// plus the typed result that parseBudget returns.

export type Direction = 'higher' | 'lower'

interface PriceRule {
  metric: string
  /** extra kWh allowed per +1.0 of the metric's improvement */
  kwhPerUnit: number
}

export interface Budget {
  /** the file it came from, for messages */
  source: string
  metrics: Record<string, Direction>
  energyKwh: number | null
  /** allowed relative increase as a fraction: "10%" in the file is 0.1 here */
  energyIncrease: number | null
  co2Grams: number | null
  price: PriceRule | null
  /** metric name -> largest allowed loss, in the metric's own units */
  metricDrop: Record<string, number>
  projectedKwh: number | null
}

export const EMPTY_BUDGET: Budget = {
  source: '(none)',
  metrics: {},
  energyKwh: null,
  energyIncrease: null,
  co2Grams: null,
  price: null,
  metricDrop: {},
  projectedKwh: null
}

/** "10%", "2.5%": a bare number is refused because 10 could mean 10% or 1000%. */
const PERCENT_PATTERN = '^[0-9]+(\\.[0-9]+)?%$'

const positiveNumber = { type: 'number', exclusiveMinimum: 0 } as const
const metricName = '^[A-Za-z0-9_.:/-]{1,100}$'

export const BUDGET_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    metrics: {
      type: 'object',
      propertyNames: { pattern: metricName },
      additionalProperties: { type: 'string', enum: ['higher', 'lower'] }
    },
    budget: {
      type: 'object',
      additionalProperties: false,
      properties: {
        'energy-kwh': positiveNumber,
        'energy-increase': { type: 'string', pattern: PERCENT_PATTERN },
        'co2-grams': positiveNumber,
        price: {
          type: 'object',
          additionalProperties: false,
          required: ['metric', 'kwh-per-unit'],
          properties: {
            metric: { type: 'string', pattern: metricName },
            'kwh-per-unit': { type: 'number', minimum: 0 }
          }
        },
        'metric-drop': {
          type: 'object',
          propertyNames: { pattern: metricName },
          additionalProperties: { type: 'number', minimum: 0 }
        },
        'projected-kwh': positiveNumber
      }
    }
  }
} as const

/** What each key expects, in words, keyed by its path in the file (`*` stands for any metric). */
export const EXPECTATIONS: Record<string, string> = {
  '': 'a mapping with the keys metrics and budget',
  metrics: 'a mapping of metric name to higher or lower',
  'metrics.*': 'higher or lower',
  budget: 'a mapping of budget rules',
  'budget.energy-kwh': 'a positive number of kWh',
  'budget.energy-increase': 'a percentage written with a % sign, such as "10%"',
  'budget.co2-grams': 'a positive number of grams of CO2e',
  'budget.price': 'a mapping with metric and kwh-per-unit',
  'budget.price.metric': 'the name of a metric declared under metrics',
  'budget.price.kwh-per-unit': 'a number of kWh ≥ 0 (extra kWh allowed per +1.0 of the metric)',
  'budget.metric-drop': 'a mapping of metric name to the largest allowed loss',
  'budget.metric-drop.*': "a number ≥ 0 (largest allowed loss, in the metric's units)",
  'budget.projected-kwh': 'a positive number of kWh'
}
