// measure: sensors + child process -> one measurement file. Sampling starts before the command and
// the window is the command's life; a cancelled or failing run still yields its measurement.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CommandSpec } from '../adapters/run-command.js'
import { describeCommand, forwardAbort, startCommand } from '../adapters/run-command.js'
import { MetricsFileTail } from '../adapters/metrics-file.js'
import { assembleMeasurement, sumEnergy, type RunResult } from '../core/measure/measurement.js'
import {
  ProgressRecorder,
  parseMetricLine,
  takeCountedRank
} from '../core/measure/metrics-protocol.js'
import { formatStepLine, type ProgressStep } from '../core/report/format-progress.js'
import type { HostInfo, Measurement } from '../core/types.js'
import type { EnergySensor } from '../sensors/sensor.js'
import type { EnvVars } from './run-env.js'

const METRICS_FILE_ENV = 'JOULEGATE_METRICS_FILE' // contract
const TICK_MS = 1000
// a script printing its console log into the metrics file must not fill the measurement with errors
const MAX_METRIC_ERRORS = 100

export interface Tick {
  run: number
  runs: number
  elapsedS: number
  energyJ: number
}

export interface MeasureOptions {
  command: CommandSpec
  cwd?: string
  /** environment for the command; JOULEGATE_METRICS_FILE is added unless it already names a file */
  env: EnvVars
  /**
   * opens a fresh set of sensors for one window (idle baseline, each run); `crossChecks` read the
   * same window but are reported apart, never summed
   */
  openSensors: () => Promise<{ sensors: EnergySensor[]; crossChecks?: EnergySensor[] }>
  /** host inventory, given the GPUs the sensors saw */
  readHost: (gpuNames: string[]) => Promise<HostInfo>
  idleS: number
  repeat: number
  intervalMs: number
  signal?: AbortSignal
  onTick?: (tick: Tick) => void
  /** a step of long work starts (idle window, each repeat); without it the step is logged */
  onStep?: (step: ProgressStep) => void
  log: (line: string) => void
  notices?: string[]
  /** SIGKILL follows the forwarded signal after this long (the runner allows 7.5 s in all) */
  killGraceMs?: number
}

function announce(options: Pick<MeasureOptions, 'onStep' | 'log'>, step: ProgressStep): void {
  if (options.onStep) options.onStep(step)
  else options.log(formatStepLine(step))
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })

async function startAll(sensors: EnergySensor[]): Promise<void> {
  await Promise.all(sensors.map((s) => s.start()))
}

async function stopAll(sensors: EnergySensor[]) {
  return (await Promise.all(sensors.map((s) => s.stop()))).flat()
}

function snapshotEnergy(sensors: EnergySensor[]): number {
  return sensors.reduce((sum, s) => sum + s.snapshot().reduce((a, c) => a + c.energyJ, 0), 0)
}

/** Mean power of the machine at rest, so that reports can separate the work from the idle floor. */
export async function measureIdlePower(options: MeasureOptions): Promise<number | null> {
  if (options.idleS <= 0 || options.signal?.aborted) return null
  const total = options.repeat > 1 ? options.repeat + 1 : undefined
  announce(options, {
    label: `measuring idle power for ${options.idleS} s`,
    ...(total ? { index: 1, total } : {})
  })
  const { sensors, crossChecks = [] } = await options.openSensors()
  const opened = [...sensors, ...crossChecks]
  await startAll(opened)
  // the window opens when every sensor has its first reading
  const t0 = performance.now()
  await sleep(options.idleS * 1000, options.signal)
  const seconds = (performance.now() - t0) / 1000
  const components = (await stopAll(sensors)).filter((c) => !(c.samples === 0 && c.coverage === 0))
  await stopAll(crossChecks)
  if (options.signal?.aborted || seconds <= 0) return null
  // each sensor's own mean power covers exactly its window; stopping takes time that is not idle
  if (components.length > 0 && components.every((c) => c.meanPowerW !== null))
    return components.reduce((s, c) => s + (c.meanPowerW ?? 0), 0)
  return sumEnergy(components) / seconds
}

async function refreshAll(sensors: EnergySensor[]): Promise<void> {
  await Promise.all(sensors.map((s) => s.refresh?.()))
}

function snapshotById(sensors: EnergySensor[]): Map<string, number> {
  return new Map(sensors.flatMap((s) => s.snapshot().map((c) => [c.id, c.energyJ] as const)))
}

async function runOnce(
  options: MeasureOptions,
  run: number,
  metricsPath: string
): Promise<RunResult> {
  const { sensors, crossChecks: checks = [] } = await options.openSensors()
  const opened = [...sensors, ...checks]
  await startAll(opened)
  if (options.signal?.aborted) {
    // cancelled while the sensors were starting: the command never runs
    await stopAll(opened)
    return emptyRun(describeCommand(options.command))
  }
  const tail = new MetricsFileTail(metricsPath)
  tail.open()
  const progress = new ProgressRecorder()
  const metricErrors: string[] = []
  let moreErrors = 0
  let otherRanks = 0
  // Sensors opened a moment ago, some waiting for others' first reading: what each component
  // counted until now is taken off its own total, so the window is the command's life.
  await refreshAll(opened)
  const offsets = snapshotById(opened)
  const offsetJ = snapshotEnergy(sensors)
  const startedAt = new Date().toISOString()
  const t0 = performance.now()
  const elapsed = (): number => (performance.now() - t0) / 1000
  let stopped = false
  let closedAtS = Infinity
  const readLines = async (final: boolean): Promise<void> => {
    let stamp: { elapsedS: number; energyJ: number } | null = null
    // a bounded batch at a time: a flood of lines never sits in memory at once
    for (let lines = tail.poll(final); lines.length > 0; lines = tail.poll(final)) {
      if (stamp === null) {
        // lines read after the command ended were written before it did
        const elapsedS = Math.min(elapsed(), closedAtS)
        if (!stopped) await refreshAll(sensors)
        stamp = { elapsedS, energyJ: snapshotEnergy(sensors) - offsetJ }
      }
      for (const { line, lineNumber } of lines) readLine(stamp, line, lineNumber)
      // let the sensors' readings in between batches
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  const readLine = (
    stamp: { elapsedS: number; energyJ: number },
    line: string,
    lineNumber: number
  ): void => {
    const parsed = parseMetricLine(line, lineNumber)
    if (parsed.ok && !takeCountedRank(parsed.values)) otherRanks++
    else if (parsed.ok) progress.add(stamp, parsed.values, lineNumber)
    else if (metricErrors.length < MAX_METRIC_ERRORS) {
      metricErrors.push(parsed.error)
      options.log(`joulegate: ${parsed.error} (ignored)`)
    } else moreErrors++
  }
  // one read at a time, in order: a watch event and the tick may both ask for one
  let reading: Promise<void> = Promise.resolve()
  const readMetrics = (final: boolean): Promise<void> =>
    (reading = reading
      .then(() => readLines(final))
      .catch((error: unknown) => options.log(`joulegate: metrics file: ${String(error)}`)))
  const command = startCommand(options.command, {
    cwd: options.cwd,
    env: { ...options.env, [METRICS_FILE_ENV]: metricsPath }
  })
  const forwarding = forwardAbort(command, options.signal, options.killGraceMs ?? 4000)
  let lastTick = 0
  const timer = setInterval(
    () => {
      void readMetrics(false)
      if (options.onTick && elapsed() - lastTick >= 1) {
        lastTick = elapsed()
        options.onTick({
          run,
          runs: options.repeat,
          elapsedS: lastTick,
          energyJ: snapshotEnergy(sensors) - offsetJ
        })
      }
    },
    // metric lines arrive through the file watch; this tick only redraws progress and catches
    // what a watch may miss, so it need not wake the monitor more than once a second
    Math.max(options.intervalMs, TICK_MS)
  )
  tail.watch(() => void readMetrics(false))
  const exit = await command.exited
  const durationS = elapsed()
  closedAtS = durationS
  clearInterval(timer)
  // the window closes with the command: sensors stop first, late metric lines are read after
  const components = await stopAll(sensors)
  const crossChecks = await stopAll(checks)
  stopped = true
  await readMetrics(true)
  await forwarding.settle()
  forwarding.dispose()
  tail.close()
  const rankNote =
    otherRanks > 0
      ? [
          `${otherRanks} metrics line(s) from ranks other than 0 were not counted (rank 0's metrics are the run's)`
        ]
      : []
  if (moreErrors > 0)
    metricErrors.push(`${moreErrors} more metrics line(s) were not valid and are not listed`)
  if (exit.spawnError) options.log(`joulegate: ${exit.spawnError}`)
  if (exit.leftoverNotice) options.log(`joulegate: ${exit.leftoverNotice}`)
  const { counted, unmeasured } = windowComponents(components, offsets, durationS)
  return {
    command: describeCommand(options.command),
    startedAt,
    durationS,
    exitCode: exit.exitCode,
    signal: exit.signal,
    interrupted:
      Boolean(options.signal?.aborted) || exit.signal === 'SIGINT' || exit.signal === 'SIGTERM',
    components: counted,
    progress: progress.points(),
    metricErrors,
    crossChecks: windowComponents(crossChecks, offsets, durationS).counted,
    notices: [
      ...unmeasured,
      // a cluster device's caveats (a counter reset, a node that left) belong in the report
      ...counted.flatMap((c) => (c.host !== undefined ? (c.notes ?? []) : [])),
      ...(exit.leftoverNotice ? [exit.leftoverNotice] : []),
      ...tail.notes(),
      ...progress.notes(),
      ...rankNote
    ]
  }
}

/**
 * Each component minus what it had counted when the command started, its mean power over the
 * command's life; a component that never produced a reading is not a measured zero: it stays as
 * 0 J with coverage 0 (so the verdict says the measurement is incomplete instead of judging a
 * total without it, which looks like a saving) and is named.
 */
function windowComponents(
  components: RunResult['components'],
  offsets: Map<string, number>,
  durationS: number
): { counted: RunResult['components']; unmeasured: string[] } {
  const unmeasured: string[] = []
  const counted = components.flatMap((c) => {
    if (c.samples === 0 && c.coverage === 0) {
      unmeasured.push(
        `${c.id} (${c.name}) gave no reading: kept with coverage 0, so this run cannot be judged${c.notes?.length ? ` (${c.notes.join('; ')})` : ''}`
      )
      return [{ ...c, energyJ: 0, meanPowerW: null }]
    }
    const energyJ = Math.max(0, c.energyJ - (offsets.get(c.id) ?? 0))
    return [
      {
        ...c,
        energyJ,
        meanPowerW: c.meanPowerW === null || durationS <= 0 ? c.meanPowerW : energyJ / durationS
      }
    ]
  })
  return { counted, unmeasured }
}

export async function measureCommand(options: MeasureOptions): Promise<Measurement> {
  const ownDir = options.env[METRICS_FILE_ENV] ? null : mkdtempSync(join(tmpdir(), 'joulegate-'))
  const metricsPath = options.env[METRICS_FILE_ENV] || join(ownDir!, 'metrics.jsonl')
  try {
    const idlePowerW = await measureIdlePower(options)
    const runs: RunResult[] = []
    for (let run = 1; run <= options.repeat; run++) {
      if (options.signal?.aborted) break
      if (options.repeat > 1) {
        const idle = options.idleS > 0 ? 1 : 0
        announce(options, {
          label: `run ${run} of ${options.repeat}`,
          index: run + idle,
          total: options.repeat + idle
        })
      }
      const result = await runOnce(options, run, metricsPath)
      runs.push(result)
      if (result.interrupted || result.exitCode !== 0) break
    }
    if (runs.length === 0) runs.push(emptyRun(describeCommand(options.command)))
    const gpuNames = runs[0]!.components.filter((c) => c.kind === 'gpu').map((c) => c.name)
    const host = await options.readHost(gpuNames)
    return assembleMeasurement({
      runs,
      idlePowerW,
      host,
      intervalMs: options.intervalMs,
      notices: options.notices ?? []
    })
  } finally {
    if (ownDir) rmSync(ownDir, { recursive: true, force: true })
  }
}

function emptyRun(command: string): RunResult {
  return {
    command,
    startedAt: new Date().toISOString(),
    durationS: 0,
    exitCode: null,
    signal: null,
    interrupted: true,
    components: [],
    progress: [],
    metricErrors: []
  }
}
