// The talk's "threshold on energy consumption" table: how much score a footprint cap costs.
// Data in (a parsed CSV), data out; the CLI reads the file and prints.
import { max, quantile } from 'simple-statistics'
import { UsageError, describeBadValue } from './errors.js'

/** A parsed CSV: the header and one record per row, every cell as written. */
export interface CapsTable {
  columns: string[]
  rows: Record<string, string>[]
}

interface WhereClause {
  column: string
  value: string
}

interface CapsOptions {
  score: string
  costs: string[]
  /** every clause must hold (AND); values are compared as trimmed strings */
  where?: WhereClause[]
  /** column naming each system; null: the first of LABEL_CANDIDATES present, else "row N" */
  label?: string | null
  /** energy-weighted score: score × referenceKwh / energy (DCASE EW-PSDS) */
  energyWeighted?: { energyColumn: string; referenceKwh: number; reference: string } | null
}

export type CapLevel = 'all' | 'median' | 'p25'

interface CapRow {
  cost: string
  level: CapLevel // contract
  /** all: maximum; median, p25: linear interpolation (numpy's default) over rows with score and cost */
  cap: number // contract
  best: number | null // contract
  label: string | null // contract
  /** rows with both score and cost as numbers (the population the cap is computed on) */
  rowsWithCost: number
  /** of those, rows with cost <= cap */
  rowsUnderCap: number
  /** the best system's cost */
  bestCost: number | null
}

interface ParetoPoint {
  label: string
  cost: number
  score: number
}

interface WeightedScore {
  label: string
  score: number
  energyKwh: number
  energyWeighted: number
}

export interface CapsResult {
  score: string
  where: WhereClause[]
  rowsTotal: number
  rowsMatched: number
  rows: CapRow[]
  pareto: Record<string, ParetoPoint[]>
  energyWeighted: {
    energyColumn: string
    referenceKwh: number
    reference: string
    systems: WeightedScore[]
  } | null
}

const LABEL_CANDIDATES = ['label', 'system_code', 'system', 'name', 'code'] as const
const CAP_LEVELS: { level: CapLevel; p: number }[] = [
  { level: 'all', p: 1 },
  { level: 'median', p: 0.5 },
  { level: 'p25', p: 0.25 }
]

/** A cell counts as a number only when it is a finite decimal; "", "None", "nan" do not. */
export function parseNumberCell(cell: string | undefined): number | null {
  if (cell === undefined) return null
  const text = cell.trim()
  if (text === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null
  const value = Number(text)
  return Number.isFinite(value) ? value : null
}

export function parseWhereClause(text: string): WhereClause {
  const at = text.indexOf('=')
  if (at <= 0) throw new UsageError(describeBadValue('--where', text, 'COL=VALUE'))
  return { column: text.slice(0, at).trim(), value: text.slice(at + 1).trim() }
}

function checkColumns(table: CapsTable, names: { flag: string; column: string }[]): void {
  for (const { flag, column } of names) {
    if (!table.columns.includes(column)) {
      throw new UsageError(
        `${describeBadValue(flag, column, 'a column of the CSV')}; available columns: ${table.columns.join(', ')}`
      )
    }
  }
}

function resolveLabel(table: CapsTable, label: string | null | undefined): string | null {
  if (label) return label
  return LABEL_CANDIDATES.find((c) => table.columns.includes(c)) ?? null
}

/** Systems on the front: no other system has a cost as low and a score as high (one strictly). */
export function computeParetoFront(points: readonly ParetoPoint[]): ParetoPoint[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.score - a.score)
  const front: ParetoPoint[] = []
  for (const p of sorted) {
    const last = front[front.length - 1]
    if (last === undefined || p.score > last.score) {
      // an equal cost with a lower score was already sorted after its better twin
      if (last !== undefined && last.cost === p.cost) continue
      front.push(p)
    }
  }
  return front
}

/** The best score (higher is better) among candidates with cost <= cap; ties: the first in file order. */
function bestUnderCap(
  candidates: { label: string; cost: number; score: number }[],
  cap: number
): { label: string; cost: number; score: number } | null {
  let best: { label: string; cost: number; score: number } | null = null
  for (const c of candidates) if (c.cost <= cap && (best === null || c.score > best.score)) best = c
  return best
}

export function computeCaps(table: CapsTable, options: CapsOptions): CapsResult {
  const where = options.where ?? []
  if (options.costs.length === 0)
    throw new UsageError(describeBadValue('--cost', [], 'at least one cost column'))
  const label = resolveLabel(table, options.label)
  checkColumns(table, [
    { flag: '--score', column: options.score },
    ...options.costs.map((column) => ({ flag: '--cost', column })),
    ...where.map((w) => ({ flag: '--where', column: w.column })),
    ...(options.label ? [{ flag: '--label', column: options.label }] : []),
    ...(options.energyWeighted
      ? [{ flag: '--ew-energy', column: options.energyWeighted.energyColumn }]
      : [])
  ])
  const matched = table.rows
    .map((row, index) => ({
      row,
      name: label ? (row[label] ?? '').trim() || `row ${index + 1}` : `row ${index + 1}`
    }))
    .filter(({ row }) => where.every((w) => (row[w.column] ?? '').trim() === w.value))

  const rows: CapRow[] = []
  const pareto: Record<string, ParetoPoint[]> = {}
  for (const cost of options.costs) {
    const candidates = matched.flatMap(({ row, name }) => {
      const s = parseNumberCell(row[options.score])
      const c = parseNumberCell(row[cost])
      return s === null || c === null ? [] : [{ label: name, cost: c, score: s }]
    })
    pareto[cost] = computeParetoFront(candidates)
    if (candidates.length === 0) continue
    const costs = candidates.map((c) => c.cost)
    for (const { level, p } of CAP_LEVELS) {
      const cap = level === 'all' ? max(costs) : quantile(costs, p)
      const best = bestUnderCap(candidates, cap)
      rows.push({
        cost,
        level,
        cap,
        best: best?.score ?? null,
        label: best?.label ?? null,
        rowsWithCost: candidates.length,
        rowsUnderCap: candidates.filter((c) => c.cost <= cap).length,
        bestCost: best?.cost ?? null
      })
    }
  }
  return {
    score: options.score,
    where,
    rowsTotal: table.rows.length,
    rowsMatched: matched.length,
    rows,
    pareto,
    energyWeighted: options.energyWeighted
      ? weightScores(matched, options.score, options.energyWeighted)
      : null
  }
}

function weightScores(
  matched: { row: Record<string, string>; name: string }[],
  score: string,
  ew: { energyColumn: string; referenceKwh: number; reference: string }
): NonNullable<CapsResult['energyWeighted']> {
  const systems = matched.flatMap(({ row, name }) => {
    const s = parseNumberCell(row[score])
    const e = parseNumberCell(row[ew.energyColumn])
    // a zero or negative energy cannot weight a score: leave the system out rather than divide by it
    if (s === null || e === null || e <= 0) return []
    return [{ label: name, score: s, energyKwh: e, energyWeighted: (s * ew.referenceKwh) / e }]
  })
  systems.sort((a, b) => b.energyWeighted - a.energyWeighted)
  return { ...ew, systems }
}

/** The reference energy: a number of kWh, or the label of a row whose energy column gives it. */
export function resolveReferenceKwh(
  table: CapsTable,
  reference: string,
  energyColumn: string,
  label: string | null | undefined
): number {
  const asNumber = parseNumberCell(reference)
  if (asNumber !== null) {
    if (asNumber <= 0)
      throw new UsageError(describeBadValue('--ew-reference', reference, 'a positive kWh value'))
    return asNumber
  }
  const labelColumn = resolveLabel(table, label)
  const row = labelColumn
    ? table.rows.find((r) => (r[labelColumn] ?? '').trim() === reference)
    : undefined
  const energy = row ? parseNumberCell(row[energyColumn]) : null
  if (energy === null || energy <= 0) {
    throw new UsageError(
      describeBadValue(
        '--ew-reference',
        reference,
        `a positive kWh value, or the ${labelColumn ?? 'label'} of a row with a positive ${energyColumn}`
      )
    )
  }
  return energy
}
