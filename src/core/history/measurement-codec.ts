// The one reader of joulegate.measurement/v1: `normalize` reads measurement files with it, and
// mode `report` checks the measured run inside an untrusted result file with it, so both accept
// the same shapes. Structure is one JSON schema (Ajv), read for one of two uses:
// - 'normalize': a file a person or a script may have written by hand; only what normalisation
//   reads must be there (energy and duration above zero), and its units must add up;
// - 'record': the run joulegate measured, as a result file carries it; every field the contract
//   requires must be there, with at least one component.
// Fields this reader does not know pass through (more are welcome).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { UsageError, describeBadValue } from '../errors.js'
import type { MeasurementInput } from '../normalize/validate.js'
import { MEASUREMENT_SCHEMA } from '../types.js'
import { UNIT_TOLERANCE } from './calibration-codec.js'
import { describeSchemaError } from './schema-error.js'

type MeasurementUse = 'normalize' | 'record'

// `expected` is ours (Ajv ignores it in non-strict mode): the wording of the error a user reads.
const text = { type: 'string', maxLength: 10_000, expected: 'a string' }
const atLeastZero = { type: 'number', minimum: 0, expected: 'a finite number >= 0' }
const aboveZero = { type: 'number', exclusiveMinimum: 0, expected: 'a finite number > 0' }
const orNull = <T extends { type: string }>(s: T) => ({ ...s, type: [s.type, 'null'] })

// the metrics normalisation uses as regressors (metrics protocol, reserved keys)
const REGRESSORS = ['flops', 'params', 'macs'] as const

/** The fields every use reads alike; each use adds what it requires. */
function componentSchema(use: MeasurementUse): object {
  return {
    type: 'object',
    expected: 'an object',
    required: use === 'record' ? ['id', 'kind', 'name', 'method', 'source', 'energyJ'] : ['kind'],
    properties: {
      id: text,
      kind: { enum: ['gpu', 'cpu', 'ram', 'other'], expected: '"gpu" | "cpu" | "ram" | "other"' },
      name: text,
      method: {
        enum: ['counter', 'power-integration', 'estimate'],
        expected: '"counter" | "power-integration" | "estimate"'
      },
      source: text,
      energyJ: use === 'record' ? atLeastZero : orNull(atLeastZero),
      meanPowerW: orNull(atLeastZero),
      // normalisation scales by the power limit: there an unknown one is absent, never 0
      powerLimitW: orNull(use === 'normalize' ? aboveZero : atLeastZero)
    }
  }
}

function measurementSchema(use: MeasurementUse): object {
  // normalisation divides by both and refuses a run that used no energy
  const positiveForNormalize = use === 'normalize' ? aboveZero : atLeastZero
  const regressor = orNull(
    use === 'normalize' ? aboveZero : { type: 'number', expected: 'a number' }
  )
  return {
    type: 'object',
    expected: 'a JSON object',
    // the schema id first: a calibration given where a measurement belongs is told so
    allOf: [
      {
        properties: {
          schema: { const: MEASUREMENT_SCHEMA, expected: JSON.stringify(MEASUREMENT_SCHEMA) }
        }
      }
    ],
    required:
      use === 'record'
        ? ['schema', 'command', 'exitCode', 'startedAt', 'durationS', 'energyJ'].concat([
            'components',
            'metrics',
            'progress',
            'host'
          ])
        : ['energyJ', 'durationS'],
    properties: {
      command: text,
      exitCode: { type: ['integer', 'null'], expected: 'an integer or null' },
      interrupted: { type: 'boolean', expected: 'true or false' },
      startedAt: text,
      durationS: positiveForNormalize,
      energyJ: positiveForNormalize,
      idlePowerW: { type: ['number', 'null'], expected: 'a number or null' },
      netEnergyJ: { type: ['number', 'null'], expected: 'a number or null' },
      components: {
        type: 'array',
        expected: use === 'record' ? 'a non-empty array of components' : 'an array',
        ...(use === 'record' ? { minItems: 1 } : {}),
        items: componentSchema(use)
      },
      metrics: {
        type: 'object',
        expected: 'an object of numbers',
        properties: Object.fromEntries(REGRESSORS.map((k) => [k, regressor])),
        ...(use === 'record'
          ? { additionalProperties: { type: 'number', expected: 'a number' } }
          : {})
      },
      progress: {
        type: 'array',
        expected: 'an array',
        items: {
          type: 'object',
          expected: 'an object { elapsedS, energyJ, values }',
          required: ['elapsedS', 'energyJ', 'values'],
          properties: {
            elapsedS: { type: 'number', expected: 'a number' },
            energyJ: atLeastZero,
            values: { type: 'object', expected: 'an object' }
          }
        }
      },
      host: {
        type: 'object',
        expected: 'an object with fingerprint',
        ...(use === 'record' ? { required: ['fingerprint'] } : {}),
        properties: { fingerprint: text }
      },
      family: {
        type: ['string', 'null'],
        pattern: '\\S',
        expected: 'a non-empty workload family name'
      }
    }
  }
}

// Compiled on first use: nothing runs at import time.
const validators = new Map<MeasurementUse, ValidateFunction>()
function getValidator(use: MeasurementUse): ValidateFunction {
  let validator = validators.get(use)
  if (!validator) {
    const ajv = new Ajv({ allErrors: false, strict: false, strictNumbers: true, verbose: true })
    validator = ajv.compile(measurementSchema(use))
    validators.set(use, validator)
  }
  return validator
}

/**
 * The first way `json` is not a measurement for this use, as Ajv reports it (its instancePath,
 * its data, and its parent schema's `expected`); null when it is one.
 */
export function findMeasurementProblem(json: unknown, use: MeasurementUse): ErrorObject | null {
  const validate = getValidator(use)
  return validate(json) ? null : validate.errors![0]!
}

/** What a schema cannot say: the units add up (normalisation fits power × time). */
function findUnitProblem(m: MeasurementInput): string | null {
  for (const [i, c] of m.components.entries()) {
    if (c.energyJ === null || c.meanPowerW === null) continue
    const expected = c.meanPowerW * m.durationS
    const slack = UNIT_TOLERANCE * Math.max(expected, c.energyJ) + 1
    if (Math.abs(c.energyJ - expected) > slack)
      return describeBadValue(
        `components[${i}].energyJ`,
        c.energyJ,
        `about meanPowerW × durationS = ${expected.toFixed(1)} J (±${UNIT_TOLERANCE * 100}%; units do not add up)`
      )
  }
  const parts = m.components.reduce((s, c) => s + (c.energyJ ?? 0), 0)
  if (parts > m.energyJ * (1 + UNIT_TOLERANCE) + 1)
    return describeBadValue(
      'energyJ',
      m.energyJ,
      `at least the components' sum ${parts.toFixed(1)} J`
    )
  return null
}

type RawComponent = Record<string, unknown> & { kind: string }

/**
 * Checks a measurement file for normalisation and returns what normalisation reads; other fields
 * pass through unread. Throws UsageError "FILE: FIELD: got VALUE, expected WHAT".
 */
export function validateMeasurement(json: unknown, fileName: string): MeasurementInput {
  const problem = findMeasurementProblem(json, 'normalize')
  if (problem) throw new UsageError(`${fileName}: ${describeSchemaError('measurement', problem)}`)
  const raw = json as Record<string, unknown> & { energyJ: number; durationS: number }
  const orNullValue = (v: unknown): number | null => (typeof v === 'number' ? v : null)
  const components = ((raw.components as RawComponent[] | undefined) ?? []).map((c) => ({
    kind: c.kind,
    energyJ: orNullValue(c.energyJ),
    meanPowerW: orNullValue(c.meanPowerW),
    powerLimitW: orNullValue(c.powerLimitW),
    ...(typeof c.method === 'string' ? { method: c.method } : {})
  }))
  const given = (raw.metrics ?? {}) as Record<string, unknown>
  const metrics: Record<string, number> = {}
  for (const key of REGRESSORS) if (typeof given[key] === 'number') metrics[key] = given[key]
  const m: MeasurementInput = {
    energyJ: raw.energyJ,
    durationS: raw.durationS,
    components,
    metrics,
    ...(typeof raw.family === 'string' ? { family: raw.family } : {})
  }
  const unitProblem = findUnitProblem(m)
  if (unitProblem) throw new UsageError(`${fileName}: ${unitProblem}`)
  return m
}
