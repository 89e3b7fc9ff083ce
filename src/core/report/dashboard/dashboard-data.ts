// The history dashboard's data: records and calibration logs turned into the columns the page
// draws (one block per series and runner), the Pareto front of energy against each metric, the
// drift of each runner's calibrations and the latest verdicts. Values are rounded to 4 significant
// figures: the charts cannot show more, and 10k records must stay a page a phone can load.
import { guessDirection, type Direction } from '../../analysis/curve.js'
import { RESERVED_METRIC_KEYS } from '../../measure/metrics-protocol.js'
import type { Calibration, HistoryRecord } from '../../types.js'
import { formatEnergy } from '../format.js'

/** Reserved keys describe the run (size, progress, plan), never its quality: not charted. */
const HIDDEN_METRICS = new Set<string>([...RESERVED_METRIC_KEYS, 'planned_epochs', 'planned_steps'])
/** More metric charts than this per runner bury the energy chart on a phone. */
const MAX_METRICS = 3
const MAX_DRIFT_WORKLOADS = 8
const VERDICT_ROWS = 30

const UNIT_SCALE: Record<string, number> = { J: 1, Wh: 3600, kWh: 3.6e6, MWh: 3.6e9 }

interface MetricColumn {
  name: string
  direction: Direction
  values: (number | null)[]
}

interface ScatterView {
  metric: string
  direction: Direction
  /** energy in `unit`, ascending */
  x: number[]
  y: number[]
  /** indices into x and y of the Pareto front (least energy for that metric or better) */
  front: number[]
}

interface RunnerView {
  /** the host fingerprint: GitHub's runner names change per job, the hardware does not */
  id: string
  label: string
  /** energy unit of every energy column of this runner, chosen from its largest value */
  unit: string
  /** seconds since the epoch (recordedAt), ascending */
  t: number[]
  /** short commit per point, for the legend under the cursor */
  commit: string[]
  measured: number[]
  /** how many of the runner's records hold an estimate (no sensor) rather than a measurement */
  estimated: number
  normalized: (number | null)[]
  lo: (number | null)[]
  hi: (number | null)[]
  metrics: MetricColumn[]
  /** what the scatter's energy is: normalised only when every record of the runner has it */
  scatterBasis: 'normalised' | 'measured'
  scatter: ScatterView[]
}

interface SeriesView {
  name: string
  records: number
  runners: RunnerView[]
}

interface DriftView {
  fingerprint: string
  label: string
  /** calibration createdAt, seconds since the epoch, ascending */
  t: number[]
  /** per workload: energy relative to that workload's first calibration, in percent */
  workloads: { name: string; values: (number | null)[] }[]
}

export interface VerdictRow {
  recordedAt: string
  series: string
  runner: string
  commit: string | null
  branch: string | null
  measured: string
  normalized: string | null
  verdict: string | null
  dirty: boolean
}

export interface DashboardData {
  generatedAt: string
  repoUrl: string | null
  series: SeriesView[]
  drift: DriftView[]
  verdicts: VerdictRow[]
  notes: string[]
}

interface DashboardInput {
  history: { series: string; records: readonly HistoryRecord[] }[]
  calibrations: { fingerprint: string; log: readonly Calibration[] }[]
  repoUrl: string | null
  generatedAt: string
  notes?: string[]
}

const round = (x: number): number => Number(x.toPrecision(4))

function energyUnit(maxJ: number): { unit: string; scale: number } {
  const unit = formatEnergy(maxJ).split(' ')[1] ?? 'J'
  return { unit, scale: UNIT_SCALE[unit] ?? 1 }
}

function describeHost(record: HistoryRecord): string {
  const host = record.measurement.host
  const gpus = host.gpus ?? []
  const device =
    gpus.length > 0 ? `${gpus.length > 1 ? `${gpus.length}× ` : ''}${gpus[0]}` : host.cpu
  return `${device || 'unknown host'} (${host.fingerprint})`
}

const timeOf = (r: HistoryRecord): number => {
  const t = Date.parse(r.recordedAt)
  return Number.isFinite(t) ? t / 1000 : 0
}

function listMetrics(records: readonly HistoryRecord[]): string[] {
  const seen = new Map<string, number>()
  for (const r of records) {
    for (const [k, v] of Object.entries(r.measurement.metrics ?? {})) {
      if (HIDDEN_METRICS.has(k) || typeof v !== 'number' || !Number.isFinite(v)) continue
      seen.set(k, (seen.get(k) ?? 0) + 1)
    }
  }
  // the metrics most records declare first; ties keep the order they were first seen
  return [...seen.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_METRICS)
    .map(([k]) => k)
}

/**
 * The Pareto front of (energy, metric): a point is on it when no other point has less or equal
 * energy and a better or equal metric. `energy` must be ascending; returns the indices on it.
 */
export function findParetoFront(
  energy: readonly number[],
  metric: readonly (number | null)[],
  direction: Direction
): number[] {
  const sign = direction === 'higher' ? 1 : -1
  const front: number[] = []
  let best = -Infinity
  for (let i = 0; i < energy.length; i++) {
    const m = metric[i]
    if (m === null) continue
    // among equal energies only the best metric can be on the front
    let j = i
    let bestHere = sign * m
    let at = i
    while (j + 1 < energy.length && energy[j + 1] === energy[i]) {
      j++
      const mj = metric[j]
      if (mj !== null && sign * mj > bestHere) {
        bestHere = sign * mj
        at = j
      }
    }
    if (bestHere > best) {
      front.push(at)
      best = bestHere
    }
    i = j
  }
  return front
}

function buildScatter(energy: readonly number[], column: MetricColumn): ScatterView {
  const order = energy.map((_, i) => i).filter((i) => column.values[i] !== null)
  order.sort((a, b) => energy[a] - energy[b])
  const x = order.map((i) => energy[i])
  const y = order.map((i) => column.values[i] as number)
  // indices, not a column of mostly nulls: the page stays small with 10k records
  const front = findParetoFront(x, y, column.direction)
  return {
    metric: column.name,
    direction: column.direction,
    x,
    y,
    front
  }
}

function buildRunner(id: string, records: HistoryRecord[]): RunnerView {
  records.sort((a, b) => timeOf(a) - timeOf(b))
  let max = 0
  for (const r of records) {
    max = Math.max(max, r.measurement.energyJ, r.normalization?.normalizedEnergyJ ?? 0)
  }
  const { unit, scale } = energyUnit(max)
  const scaled = (j: number | null | undefined): number | null =>
    typeof j === 'number' && Number.isFinite(j) ? round(j / scale) : null
  const measured = records.map((r) => scaled(r.measurement.energyJ) ?? 0)
  const normalized = records.map((r) => scaled(r.normalization?.normalizedEnergyJ))
  const metrics: MetricColumn[] = listMetrics(records).map((name) => ({
    name,
    direction: guessDirection(name),
    values: records.map((r) => {
      const v = r.measurement.metrics?.[name]
      return typeof v === 'number' && Number.isFinite(v) ? round(v) : null
    })
  }))
  const allNormalised = normalized.every((v) => v !== null)
  const energy = allNormalised ? (normalized as number[]) : measured
  return {
    id,
    label: describeHost(records[records.length - 1]),
    unit,
    t: records.map(timeOf),
    commit: records.map((r) => (r.commit ?? '').slice(0, 7)),
    measured,
    estimated: records.filter((r) => r.measurement.components.some((c) => c.method === 'estimate'))
      .length,
    normalized,
    lo: records.map((r) => scaled(r.normalization?.interval?.[0])),
    hi: records.map((r) => scaled(r.normalization?.interval?.[1])),
    metrics,
    scatterBasis: allNormalised ? 'normalised' : 'measured',
    scatter: metrics.map((m) => buildScatter(energy, m))
  }
}

function buildDrift(fingerprint: string, log: readonly Calibration[]): DriftView | null {
  const cals = [...log]
    .filter((c) => Number.isFinite(Date.parse(c.createdAt)))
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
  if (cals.length === 0) return null
  const names: string[] = []
  for (const c of cals)
    for (const p of c.points) if (!names.includes(p.workload)) names.push(p.workload)
  const workloads = names.slice(0, MAX_DRIFT_WORKLOADS).map((name) => {
    let first: number | null = null
    const values = cals.map((c) => {
      const p = c.points.find((q) => q.workload === name)
      if (!p || !(p.energyJ > 0)) return null
      first ??= p.energyJ
      return round((p.energyJ / first - 1) * 100)
    })
    return { name, values }
  })
  const last = cals[cals.length - 1]
  const device = last.host.gpus.map((g) => g.name)[0] ?? last.host.cpu
  return {
    fingerprint,
    label: `${device || 'unknown host'} (${fingerprint})`,
    t: cals.map((c) => Date.parse(c.createdAt) / 1000),
    workloads
  }
}

function buildVerdicts(records: readonly HistoryRecord[]): VerdictRow[] {
  return [...records]
    .sort((a, b) => timeOf(b) - timeOf(a))
    .slice(0, VERDICT_ROWS)
    .map((r) => ({
      recordedAt: r.recordedAt,
      series: r.series,
      runner: describeHost(r),
      commit: r.commit,
      branch: r.branch ?? null,
      measured: formatEnergy(r.measurement.energyJ),
      normalized: r.normalization ? formatEnergy(r.normalization.normalizedEnergyJ) : null,
      verdict: typeof r.verdict === 'string' ? r.verdict : null,
      dirty: r.dirty === true
    }))
}

export function buildDashboardData(input: DashboardInput): DashboardData {
  const series: SeriesView[] = []
  const all: HistoryRecord[] = []
  for (const { series: name, records } of input.history) {
    if (records.length === 0) continue
    all.push(...records)
    const byHost = new Map<string, HistoryRecord[]>()
    for (const r of records) {
      const id = r.measurement.host?.fingerprint ?? 'unknown'
      const list = byHost.get(id) ?? []
      list.push(r)
      byHost.set(id, list)
    }
    const runners = [...byHost.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([id, list]) => buildRunner(id, list))
    series.push({ name, records: records.length, runners })
  }
  series.sort((a, b) => a.name.localeCompare(b.name))
  const drift = input.calibrations
    .map((c) => buildDrift(c.fingerprint, c.log))
    .filter((d): d is DriftView => d !== null)
    .sort((a, b) => a.fingerprint.localeCompare(b.fingerprint))
  return {
    generatedAt: input.generatedAt,
    repoUrl: input.repoUrl,
    series,
    drift,
    verdicts: buildVerdicts(all),
    notes: input.notes ?? []
  }
}
