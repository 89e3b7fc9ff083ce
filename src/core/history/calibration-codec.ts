// The one reader of joulegate.calibration/v1: the store, `--calibration`, `normalize` and the
// action all decode a calibration here, so a file one of them accepts, every other accepts too.
// Structure is checked by a JSON schema (Ajv); what a schema cannot say (a workload named twice,
// units that do not add up) is checked after it. Fields this reader does not know pass through.
import { Ajv, type ValidateFunction } from 'ajv'
import { UsageError, describeBadValue } from '../errors.js'
import { CALIBRATION_SCHEMA } from '../types.js'
import type { Calibration, CalibrationKind, CalibrationPoint } from '../types.js'
import { describeSchemaError } from './schema-error.js'

/** Relative slack allowed between an energy and power × time (sampling, counters, rounding). */
export const UNIT_TOLERANCE = 0.25

const positive = { type: 'number', exclusiveMinimum: 0, expected: 'a finite number > 0' }
const optionalPositive = { ...positive, type: ['number', 'null'] }

// `expected` is ours (Ajv ignores it in non-strict mode): the wording of the error a user reads.
const POINT_SCHEMA = {
  type: 'object',
  expected: 'an object',
  required: ['workload', 'energyJ', 'durationS', 'meanPowerW'],
  properties: {
    workload: { type: 'string', pattern: '\\S', expected: 'a non-empty workload name' },
    energyJ: positive,
    durationS: positive,
    meanPowerW: positive,
    flops: optionalPositive,
    params: optionalPositive,
    powerLimitW: optionalPositive,
    gpuCount: { type: ['integer', 'null'], minimum: 1, expected: 'an integer >= 1' },
    family: { type: ['string', 'null'], pattern: '\\S', expected: 'a non-empty family name' },
    runs: { type: ['integer', 'null'], minimum: 1, expected: 'an integer >= 1' },
    cv: { type: ['number', 'null'], minimum: 0, expected: 'a finite number >= 0' }
  }
}

const SCHEMA_ID = { const: CALIBRATION_SCHEMA, expected: JSON.stringify(CALIBRATION_SCHEMA) }

// the schema id first: a measurement given where a calibration belongs is told so, not "no points"
const CALIBRATION_JSON_SCHEMA = {
  type: 'object',
  expected: 'a JSON object',
  allOf: [{ required: ['schema'], properties: { schema: SCHEMA_ID } }],
  required: ['host', 'points'],
  properties: {
    createdAt: { type: 'string', expected: 'an ISO 8601 time' },
    kind: { enum: ['full', 'quick', 'estimate'], expected: '"full", "quick" or "estimate"' },
    host: {
      type: 'object',
      expected: 'an object with fingerprint, cpu, gpus',
      properties: {
        fingerprint: { type: 'string', expected: 'a string' },
        cpu: { type: 'string', expected: 'a string' },
        gpus: {
          type: 'array',
          expected: 'an array',
          // a bare name is how measurement files list GPUs; accepted here too
          items: {
            type: ['string', 'object'],
            expected: 'an object { name, powerLimitW }',
            required: ['name'],
            properties: {
              name: { type: 'string', expected: 'a GPU name' },
              powerLimitW: optionalPositive
            }
          }
        }
      }
    },
    idlePowerW: { type: ['number', 'null'], minimum: 0, expected: 'a number >= 0 or null' },
    powerOf: { enum: ['gpu', 'cpu'], expected: '"gpu" or "cpu"' },
    points: {
      type: 'array',
      minItems: 1,
      expected: 'a non-empty array of calibration points',
      items: POINT_SCHEMA
    }
  }
}

// Compiled on first use: nothing runs at import time.
let validator: ValidateFunction | null = null
function getValidator(): ValidateFunction {
  validator ??= new Ajv({ allErrors: false, strict: false, verbose: true }).compile(
    CALIBRATION_JSON_SCHEMA
  )
  return validator
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Optional point fields whose null means "absent" (older writers wrote null). */
const OPTIONAL_POINT_FIELDS = ['flops', 'params', 'powerLimitW', 'gpuCount', 'family', 'runs', 'cv']

function decodePoint(raw: Record<string, unknown>): CalibrationPoint {
  const point = { ...raw }
  for (const key of OPTIONAL_POINT_FIELDS) if (point[key] === null) delete point[key]
  return point as unknown as CalibrationPoint
}

/** The problems a schema cannot express; null when there are none. */
function findSemanticProblem(points: CalibrationPoint[]): string | null {
  const seen = new Set<string>()
  for (const [i, point] of points.entries()) {
    const at = `points[${i}]`
    if (seen.has(point.workload))
      return describeBadValue(`${at}.workload`, point.workload, 'a name used by one point only')
    seen.add(point.workload)
    // meanPowerW is one device kind's power, energyJ the whole host's: the device cannot use more
    const deviceJ = point.meanPowerW * point.durationS
    if (deviceJ > point.energyJ * (1 + UNIT_TOLERANCE))
      return describeBadValue(
        `${at}.energyJ`,
        point.energyJ,
        `at least meanPowerW × durationS = ${deviceJ.toFixed(1)} J (units do not add up)`
      )
  }
  return null
}

/**
 * Checks a parsed calibration and returns it typed, GPU names given as bare strings turned into
 * `{ name, powerLimitW: null }`; throws UsageError "FILE: FIELD: got VALUE, expected WHAT".
 */
export function validateCalibration(json: unknown, fileName: string): Calibration {
  const validate = getValidator()
  if (!validate(json))
    throw new UsageError(`${fileName}: ${describeSchemaError('calibration', validate.errors![0])}`)
  const raw = json as Record<string, unknown> & { host: Record<string, unknown> }
  const gpus = ((raw.host.gpus as unknown[] | undefined) ?? []).map((g) =>
    isObject(g)
      ? { ...g, name: g.name as string, powerLimitW: (g.powerLimitW as number | null) ?? null }
      : { name: g as string, powerLimitW: null }
  )
  const points = (raw.points as Record<string, unknown>[]).map(decodePoint)
  const problem = findSemanticProblem(points)
  if (problem) throw new UsageError(`${fileName}: ${problem}`)
  return {
    ...raw,
    schema: CALIBRATION_SCHEMA,
    createdAt: typeof raw.createdAt === 'string' ? raw.createdAt : '',
    host: {
      ...raw.host,
      fingerprint: typeof raw.host.fingerprint === 'string' ? raw.host.fingerprint : '',
      cpu: typeof raw.host.cpu === 'string' ? raw.host.cpu : '',
      gpus
    },
    idlePowerW: typeof raw.idlePowerW === 'number' ? raw.idlePowerW : null,
    points
  } as Calibration
}

// calibrate's wording since before `kind` existed: files written then are still recognised
const ESTIMATE_NOTICE = 'built from the estimate model'

/** Whether calibrate said it had no energy sensor (files from before `kind` say only this). */
export const isMadeOnEstimates = (cal: Calibration): boolean =>
  cal.kind === 'estimate' || (cal.notices ?? []).some((n) => n.includes(ESTIMATE_NOTICE))

/** The file's kind; files from before `kind` are full, or estimate when their notice says so. */
export function calibrationKindOf(cal: Calibration): CalibrationKind {
  return cal.kind ?? (isMadeOnEstimates(cal) ? 'estimate' : 'full')
}

/** What to tell a user about a calibration of a kind that must not normalise measured energy. */
export function describeUnusableKind(kind: CalibrationKind, what: string): string | null {
  if (kind === 'quick')
    return `${what} is a quick calibration (calibrate --quick, a smoke run at a small scale): its energies are not comparable with a full calibration's`
  if (kind === 'estimate')
    return `${what} was made on estimated energy (no energy sensor: ${ESTIMATE_NOTICE}) and cannot normalise real measurements`
  return null
}
