// Schema and unit checks for the two inputs of normalisation. Every refusal names the file, the
// field, the value and what was expected, because these files are written by hand or by scripts.
import { UsageError, describeBadValue } from '../errors.js'
import { CALIBRATION_SCHEMA, MEASUREMENT_SCHEMA } from '../types.js'
import type { Calibration, CalibrationPoint, ComponentKind } from '../types.js'

/** Relative slack allowed between an energy and power × time (sampling, counters, rounding). */
export const UNIT_TOLERANCE = 0.25

/** A calibration point may say which power limit its meanPowerW is a fraction of (multi-GPU work). */
export type CalibrationPointInput = CalibrationPoint & { powerLimitW?: number }

/** The part of a measurement that normalisation reads (the full type is Measurement). */
export interface MeasurementInput {
  energyJ: number
  durationS: number
  components: {
    kind: ComponentKind | string
    energyJ: number | null
    meanPowerW: number | null
    powerLimitW: number | null
  }[]
  metrics: Record<string, number>
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

function readOptionalPositive(
  file: string,
  obj: Record<string, unknown>,
  field: string,
  path: string
): number | undefined {
  if (obj[field] === undefined || obj[field] === null) return undefined
  return readPositive(file, obj, field, path)
}

function readPoint(
  file: string,
  raw: unknown,
  i: number,
  seen: Set<string>
): CalibrationPointInput {
  const at = `points[${i}]`
  if (!isObject(raw)) throw bad(file, at, raw, 'an object')
  const workload = raw.workload
  if (typeof workload !== 'string' || workload.trim() === '')
    throw bad(file, `${at}.workload`, workload, 'a non-empty workload name')
  if (seen.has(workload))
    throw bad(file, `${at}.workload`, workload, 'a name used by one point only')
  seen.add(workload)
  const point: CalibrationPointInput = {
    workload,
    energyJ: readPositive(file, raw, 'energyJ', `${at}.energyJ`),
    durationS: readPositive(file, raw, 'durationS', `${at}.durationS`),
    meanPowerW: readPositive(file, raw, 'meanPowerW', `${at}.meanPowerW`)
  }
  for (const key of ['flops', 'params', 'powerLimitW'] as const) {
    const v = readOptionalPositive(file, raw, key, `${at}.${key}`)
    if (v !== undefined) point[key] = v
  }
  if (raw.runs !== undefined && raw.runs !== null) {
    if (!Number.isInteger(raw.runs) || (raw.runs as number) < 1)
      throw bad(file, `${at}.runs`, raw.runs, 'an integer >= 1')
    point.runs = raw.runs as number
  }
  if (raw.cv !== undefined && raw.cv !== null) {
    if (typeof raw.cv !== 'number' || !Number.isFinite(raw.cv) || raw.cv < 0)
      throw bad(file, `${at}.cv`, raw.cv, 'a finite number >= 0')
    point.cv = raw.cv
  }
  // meanPowerW is one device's power, energyJ the whole host's: the device cannot use more.
  const deviceJ = point.meanPowerW * point.durationS
  if (deviceJ > point.energyJ * (1 + UNIT_TOLERANCE))
    throw bad(
      file,
      `${at}.energyJ`,
      point.energyJ,
      `at least meanPowerW × durationS = ${deviceJ.toFixed(1)} J (units do not add up)`
    )
  return point
}

/** Checks a parsed calibration file and returns it typed; throws UsageError naming the field. */
export function validateCalibration(json: unknown, fileName: string): Calibration {
  if (!isObject(json)) throw bad(fileName, 'calibration', json, 'a JSON object')
  if (json.schema !== CALIBRATION_SCHEMA)
    throw bad(fileName, 'schema', json.schema, JSON.stringify(CALIBRATION_SCHEMA))
  const host = json.host
  if (!isObject(host)) throw bad(fileName, 'host', host, 'an object with fingerprint, cpu, gpus')
  const gpusRaw = host.gpus ?? []
  if (!Array.isArray(gpusRaw)) throw bad(fileName, 'host.gpus', gpusRaw, 'an array')
  const gpus = gpusRaw.map((g, i) => {
    // a bare name is how measurement files list GPUs; accept it here too
    if (typeof g === 'string') return { name: g, powerLimitW: null }
    if (!isObject(g) || typeof g.name !== 'string')
      throw bad(fileName, `host.gpus[${i}]`, g, 'an object { name, powerLimitW }')
    const limit = readOptionalPositive(fileName, g, 'powerLimitW', `host.gpus[${i}].powerLimitW`)
    return { name: g.name, powerLimitW: limit ?? null }
  })
  if (!Array.isArray(json.points) || json.points.length === 0)
    throw bad(fileName, 'points', json.points, 'a non-empty array of calibration points')
  const seen = new Set<string>()
  const points = json.points.map((p, i) => readPoint(fileName, p, i, seen))
  const idle = json.idlePowerW
  if (idle !== undefined && idle !== null && (typeof idle !== 'number' || !(idle >= 0)))
    throw bad(fileName, 'idlePowerW', idle, 'a number >= 0 or null')
  const powerOf = json.powerOf
  if (powerOf !== undefined && powerOf !== 'gpu' && powerOf !== 'cpu')
    throw bad(fileName, 'powerOf', powerOf, '"gpu" or "cpu"')
  const calibration: Calibration = {
    schema: CALIBRATION_SCHEMA,
    createdAt: typeof json.createdAt === 'string' ? json.createdAt : '',
    host: {
      fingerprint: typeof host.fingerprint === 'string' ? host.fingerprint : '',
      cpu: typeof host.cpu === 'string' ? host.cpu : '',
      gpus,
      ...(typeof host.driver === 'string' ? { driver: host.driver } : {})
    },
    idlePowerW: typeof idle === 'number' ? idle : null,
    points
  }
  if (powerOf !== undefined) calibration.powerOf = powerOf
  return calibration
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
    powerLimitW: num('powerLimitW', false)
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
  return { energyJ, durationS, components, metrics }
}
