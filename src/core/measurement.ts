// Assembles measurement files from the monitor's raw results; pure.
import type {
  Component,
  HostInfo,
  Measurement,
  ProgressPoint,
  RepeatStats,
  RunSummary
} from './types.js'
import { MEASUREMENT_SCHEMA } from './types.js'
import { collectFinalMetrics } from './metrics-protocol.js'

export interface RunResult {
  command: string
  startedAt: string
  durationS: number
  exitCode: number | null
  signal: string | null
  interrupted: boolean
  components: Component[]
  progress: ProgressPoint[]
  metricErrors: string[]
  crossChecks?: Component[]
  /** what the window could not measure, said in words */
  notices?: string[]
}

export function sumEnergy(components: readonly Component[]): number {
  return components.reduce((sum, c) => sum + c.energyJ, 0)
}

export function netEnergy(
  energyJ: number,
  idlePowerW: number | null,
  durationS: number
): number | null {
  return idlePowerW === null ? null : energyJ - idlePowerW * durationS
}

function summarizeRun(run: RunResult, idlePowerW: number | null): RunSummary {
  const energyJ = sumEnergy(run.components)
  return {
    exitCode: run.exitCode,
    signal: run.signal,
    durationS: run.durationS,
    energyJ,
    netEnergyJ: netEnergy(energyJ, idlePowerW, run.durationS),
    interrupted: run.interrupted
  }
}

export function computeRepeatStats(runs: readonly RunSummary[]): RepeatStats {
  const n = runs.length
  const meanJ = runs.reduce((s, r) => s + r.energyJ, 0) / n
  const variance = n > 1 ? runs.reduce((s, r) => s + (r.energyJ - meanJ) ** 2, 0) / (n - 1) : 0
  const sdJ = Math.sqrt(variance)
  return {
    n,
    meanJ,
    sdJ,
    cv: meanJ > 0 ? sdJ / meanJ : 0,
    meanDurationS: runs.reduce((s, r) => s + r.durationS, 0) / n
  }
}

/** Averages components across runs by id, so that energyJ stays the sum of the components. */
function averageComponents(runs: readonly Component[][]): Component[] {
  const byId = new Map<string, Component[]>()
  for (const components of runs)
    for (const c of components) byId.set(c.id, [...(byId.get(c.id) ?? []), c])
  return [...byId.values()].map((list) => {
    const mean = (f: (c: Component) => number | null | undefined): number | null => {
      const xs = list.map(f).filter((x): x is number => typeof x === 'number')
      return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length
    }
    const first = list[0]!
    const averaged: Component = {
      ...first,
      energyJ: (mean((c) => c.energyJ) ?? 0) * (list.length / runs.length),
      meanPowerW: mean((c) => c.meanPowerW)
    }
    if (first.samples !== undefined) averaged.samples = Math.round(mean((c) => c.samples) ?? 0)
    if (first.coverage !== undefined)
      averaged.coverage = Math.min(...list.map((c) => c.coverage ?? 1))
    return averaged
  })
}

interface AssembleInput {
  runs: RunResult[]
  idlePowerW: number | null
  host: HostInfo
  intervalMs: number
  notices: string[]
}

/** One measurement file: a single run as is; repeats as the mean with per-run figures and spread. */
export function assembleMeasurement(input: AssembleInput): Measurement {
  const { runs, idlePowerW } = input
  if (runs.length === 0) throw new Error('assembleMeasurement: no runs')
  const last = runs[runs.length - 1]!
  const summaries = runs.map((r) => summarizeRun(r, idlePowerW))
  const components =
    runs.length === 1 ? last.components : averageComponents(runs.map((r) => r.components))
  const durationS = runs.reduce((s, r) => s + r.durationS, 0) / runs.length
  const energyJ = sumEnergy(components)
  const { metrics, labels } = collectFinalMetrics(last.progress)
  const failed = runs.find((r) => r.interrupted || (r.exitCode ?? 1) !== 0) ?? last
  const measurement: Measurement = {
    schema: MEASUREMENT_SCHEMA,
    command: last.command,
    exitCode: failed.exitCode,
    signal: failed.signal,
    interrupted: runs.some((r) => r.interrupted),
    startedAt: runs[0]!.startedAt,
    durationS,
    energyJ,
    idlePowerW,
    netEnergyJ: netEnergy(energyJ, idlePowerW, durationS),
    intervalMs: input.intervalMs,
    components,
    metrics,
    progress: last.progress,
    host: input.host
  }
  if (Object.keys(labels).length > 0) measurement.labels = labels
  const metricErrors = runs.flatMap((r) => r.metricErrors)
  if (metricErrors.length > 0) measurement.metricErrors = metricErrors
  if (runs.length > 1) {
    measurement.runs = summaries
    measurement.repeat = computeRepeatStats(summaries)
  }
  const notices = [...new Set([...input.notices, ...runs.flatMap((r) => r.notices ?? [])])]
  if (notices.length > 0) measurement.notices = notices
  if (last.crossChecks && last.crossChecks.length > 0) measurement.crossChecks = last.crossChecks
  return measurement
}

/** The method behind a total: the weakest of its parts, so an estimate is never shown as measured. */
export function describeTotalMethod(components: readonly Component[]): string {
  const methods = new Set(components.map((c) => c.method))
  if (methods.size === 0) return 'none'
  if (methods.size === 1) return [...methods][0]!
  return methods.has('estimate') ? 'mixed, includes estimate' : 'mixed'
}
