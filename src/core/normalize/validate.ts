// Schema and unit checks for the measurement normalisation reads (calibrations: calibration-codec).
// Every refusal names the file, the field, the value and what was expected, because these files
// are written by hand or by scripts.
import { UsageError, describeBadValue } from '../errors.js'
import { MEASUREMENT_SCHEMA } from '../types.js'
import type { ComponentKind } from '../types.js'
import { UNIT_TOLERANCE } from '../history/calibration-codec.js'

/** The part of a measurement that normalisation reads (the full type is Measurement). */
export interface MeasurementInput {
  energyJ: number
  durationS: number
  components: {
    kind: ComponentKind | string
    energyJ: number | null
    meanPowerW: number | null
    powerLimitW: number | null
    /** counter | power-integration | estimate: an estimate is not measured energy */
    method?: string
  }[]
  metrics: Record<string, number>
  /** the workload family the job belongs to (check sets the series name) */
  family?: string
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const bad = (file: string, field: string, value: unknown, expected: string): UsageError =>
  new UsageError(`${file}: ${describeBadValue(field, value, expected)}`)

function readPositive(
  file: string,
  obj: Record<string, unknown>,
  field: string,
  path: string
): number {
  const v = obj[field]
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw bad(file, path, v, 'a finite number > 0')
  return v
}

function readComponent(
  file: string,
  raw: unknown,
  i: number,
  durationS: number
): MeasurementInput['components'][number] {
  const at = `components[${i}]`
  if (!isObject(raw)) throw bad(file, at, raw, 'an object')
  if (typeof raw.kind !== 'string')
    throw bad(file, `${at}.kind`, raw.kind, '"gpu" | "cpu" | "ram" | "other"')
  const num = (field: string, allowZero: boolean): number | null => {
    const v = raw[field]
    if (v === undefined || v === null) return null
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0))
      throw bad(
        file,
        `${at}.${field}`,
        v,
        allowZero ? 'a finite number >= 0' : 'a finite number > 0'
      )
    return v
  }
  const component = {
    kind: raw.kind,
    energyJ: num('energyJ', true),
    meanPowerW: num('meanPowerW', true),
    powerLimitW: num('powerLimitW', false),
    ...(typeof raw.method === 'string' ? { method: raw.method } : {})
  }
  if (component.energyJ !== null && component.meanPowerW !== null) {
    const expected = component.meanPowerW * durationS
    const slack = UNIT_TOLERANCE * Math.max(expected, component.energyJ) + 1
    if (Math.abs(component.energyJ - expected) > slack)
      throw bad(
        file,
        `${at}.energyJ`,
        component.energyJ,
        `about meanPowerW × durationS = ${expected.toFixed(1)} J (±${UNIT_TOLERANCE * 100}%; units do not add up)`
      )
  }
  return component
}

/** Checks the fields of a measurement file that normalisation uses; other fields pass through. */
export function validateMeasurement(json: unknown, fileName: string): MeasurementInput {
  if (!isObject(json)) throw bad(fileName, 'measurement', json, 'a JSON object')
  if (json.schema !== undefined && json.schema !== MEASUREMENT_SCHEMA)
    throw bad(fileName, 'schema', json.schema, JSON.stringify(MEASUREMENT_SCHEMA))
  const energyJ = readPositive(fileName, json, 'energyJ', 'energyJ')
  const durationS = readPositive(fileName, json, 'durationS', 'durationS')
  const rawComponents = json.components ?? []
  if (!Array.isArray(rawComponents)) throw bad(fileName, 'components', rawComponents, 'an array')
  const components = rawComponents.map((c, i) => readComponent(fileName, c, i, durationS))
  const parts = components.reduce((s, c) => s + (c.energyJ ?? 0), 0)
  if (parts > energyJ * (1 + UNIT_TOLERANCE) + 1)
    throw bad(fileName, 'energyJ', energyJ, `at least the components' sum ${parts.toFixed(1)} J`)
  const metrics: Record<string, number> = {}
  if (isObject(json.metrics)) {
    for (const key of ['flops', 'params', 'macs']) {
      const v = json.metrics[key]
      if (v === undefined || v === null) continue
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
        throw bad(fileName, `metrics.${key}`, v, 'a finite number > 0')
      metrics[key] = v
    }
  }
  const family = json.family
  if (family !== undefined && family !== null && (typeof family !== 'string' || !/\S/.test(family)))
    throw bad(fileName, 'family', family, 'a non-empty workload family name')
  return {
    energyJ,
    durationS,
    components,
    metrics,
    ...(typeof family === 'string' ? { family } : {})
  }
}
