import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { closest, distance } from 'fastest-levenshtein'
import { parseDocument } from 'yaml'
import { UsageError, describeBadValue, excerptValue } from '../errors.js'
import { MAX_BUDGET_BYTES, checkInputSize, checkNesting } from '../input-limits.js'
import { BUDGET_SCHEMA, EXPECTATIONS, type Budget, type Direction } from './budget-schema.js'

// Compiled on first use, not at import: compiling costs ~0.1 CPU-s, which `measure` (no budget)
// would otherwise pay before it starts the user's command.
let validator: ValidateFunction | undefined
const compileValidator = (): ValidateFunction =>
  (validator ??= new Ajv({ allErrors: true, strict: true }).compile(BUDGET_SCHEMA))

/** Keys whose children are names the user chose (metric names), not fixed keys. */
const NAME_MAPS = new Set(['metrics', 'budget.metric-drop'])

function toSegments(pointer: string): string[] {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
}

function expectationKey(segments: string[]): string {
  const out: string[] = []
  for (const seg of segments) {
    out.push(NAME_MAPS.has(out.join('.')) ? '*' : seg)
  }
  return out.join('.')
}

function valueAt(data: unknown, segments: string[]): unknown {
  let v = data
  for (const seg of segments) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<string, unknown>)[seg]
  }
  return v
}

function allowedKeys(segments: string[]): string[] {
  let schema: unknown = BUDGET_SCHEMA
  for (const seg of segments) {
    schema = (schema as { properties?: Record<string, unknown> }).properties?.[seg]
  }
  return Object.keys(
    (schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {}
  )
}

/** A near miss (edit distance ≤ 3, or a prefix) earns a suggestion; anything further is noise. */
function suggest(key: string, candidates: string[]): string {
  if (candidates.length === 0) return ''
  const best = closest(key, candidates)
  const near =
    distance(key, best) <= Math.min(3, Math.ceil(best.length / 3)) || best.startsWith(key)
  return near ? `; did you mean ${best}?` : ''
}

function describeError(err: ErrorObject, data: unknown): { path: string; message: string } {
  const segments = toSegments(err.instancePath)
  if (err.keyword === 'additionalProperties') {
    const key = String((err.params as { additionalProperty: string }).additionalProperty)
    const path = [...segments, key].join('.')
    const allowed = allowedKeys(segments)
    const shown = excerptValue(valueAt(data, [...segments, key]) ?? null)
    const hint = suggest(key, allowed)
    return {
      path,
      message: `${path}: unknown key (value ${shown}); expected one of ${allowed.join(', ')}${hint}`
    }
  }
  if (err.keyword === 'propertyNames') {
    const name = String((err.params as { propertyName: string }).propertyName)
    const path = [...segments, name].join('.')
    return {
      path,
      message: describeBadValue(
        path,
        name,
        'a metric name of letters, digits and _ . : / - (at most 100)'
      )
    }
  }
  if (err.keyword === 'required') {
    const missing = String((err.params as { missingProperty: string }).missingProperty)
    const path = [...segments, missing].join('.')
    return {
      path,
      message: `${path}: missing; expected ${EXPECTATIONS[expectationKey([...segments, missing])] ?? 'a value'}`
    }
  }
  const path = segments.join('.') || '(top level)'
  const expected = EXPECTATIONS[expectationKey(segments)] ?? err.message ?? 'a valid value'
  return { path, message: describeBadValue(path, valueAt(data, segments) ?? null, expected) }
}

/** yaml's own bound on alias uses (toJS maxAliasCount): more is an expansion ("billion laughs"). */
const MAX_ALIAS_COUNT = 100

function parseYaml(text: string, fileName: string): unknown {
  checkInputSize(text, MAX_BUDGET_BYTES, fileName, 'budget file')
  let doc: ReturnType<typeof parseDocument>
  try {
    doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  } catch (error) {
    if (error instanceof RangeError) throw tooDeep(fileName)
    throw error
  }
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => {
      const pos = e.linePos?.[0]
      const where = pos ? `line ${pos.line}, column ${pos.col}` : 'unknown position'
      return `${fileName}: YAML syntax error at ${where}: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`
    })
    throw new UsageError(lines.join('\n'))
  }
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {}
  } catch (error) {
    if (error instanceof RangeError) throw tooDeep(fileName)
    // yaml refuses an alias expansion beyond maxAliasCount with a ReferenceError
    if (error instanceof ReferenceError && /alias/i.test(error.message))
      throw new UsageError(
        `${fileName}: YAML aliases expand too far (more than ${MAX_ALIAS_COUNT} uses of an anchor); expected a budget that repeats its values instead of nesting *aliases`
      )
    throw error
  }
  checkNesting(data, fileName)
  return data
}

function tooDeep(fileName: string): UsageError {
  return new UsageError(
    `${fileName}: YAML nested too deep to read; expected a budget of a few levels (metrics:, budget:)`
  )
}

interface RawBudget {
  metrics?: Record<string, Direction>
  budget?: {
    'energy-kwh'?: number
    'energy-increase'?: string
    'co2-grams'?: number
    price?: { metric: string; 'kwh-per-unit': number }
    'metric-drop'?: Record<string, number>
    'projected-kwh'?: number
  }
}

/** price and metric-drop need a direction, so their metrics must be declared under metrics. */
function checkDeclaredMetrics(raw: RawBudget, fileName: string): void {
  const declared = Object.keys(raw.metrics ?? {})
  const list = declared.length > 0 ? declared.join(', ') : 'none declared'
  const problems: string[] = []
  const price = raw.budget?.price
  if (price && !declared.includes(price.metric)) {
    problems.push(
      describeBadValue(
        'budget.price.metric',
        price.metric,
        `a metric declared under metrics: (${list}), so its direction is known`
      ) + suggest(price.metric, declared)
    )
  }
  for (const name of Object.keys(raw.budget?.['metric-drop'] ?? {})) {
    if (!declared.includes(name)) {
      problems.push(
        `budget.metric-drop.${name}: metric ${JSON.stringify(name)} has no direction; expected it declared under metrics: (${list})${suggest(name, declared)}`
      )
    }
  }
  if (problems.length > 0) throw new UsageError(problems.map((p) => `${fileName}: ${p}`).join('\n'))
}

/**
 * Parses and validates a budget file (YAML). Every problem names the key path, the value and what
 * was expected; all of them are reported at once so one edit fixes the file. Throws UsageError.
 */
export function parseBudget(text: string, fileName: string): Budget {
  const data = parseYaml(text, fileName)
  const validate = compileValidator()
  if (!validate(data)) {
    const seen = new Set<string>()
    const lines: string[] = []
    for (const err of validate.errors ?? []) {
      const { path, message } = describeError(err, data)
      if (seen.has(path)) continue
      seen.add(path)
      lines.push(`${fileName}: ${message}`)
    }
    throw new UsageError(lines.join('\n'))
  }
  const raw = data as RawBudget
  checkDeclaredMetrics(raw, fileName)
  const b = raw.budget ?? {}
  const increase = b['energy-increase']
  return {
    source: fileName,
    metrics: { ...(raw.metrics ?? {}) },
    energyKwh: b['energy-kwh'] ?? null,
    energyIncrease: increase === undefined ? null : Number(increase.slice(0, -1)) / 100,
    co2Grams: b['co2-grams'] ?? null,
    price: b.price ? { metric: b.price.metric, kwhPerUnit: b.price['kwh-per-unit'] } : null,
    metricDrop: { ...(b['metric-drop'] ?? {}) },
    projectedKwh: b['projected-kwh'] ?? null
  }
}
