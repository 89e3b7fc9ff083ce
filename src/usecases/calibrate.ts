// calibrate: warm-up, idle power, each workload `runs` times with a cooldown, one point per
// workload with its coefficient of variation (the runner's noise floor), drift against the last one.
import type { HistoryStore } from '../adapters/store/store.js'
import {
  buildCalibrationPoint,
  calibrationKindOf,
  detectDrift,
  type WorkloadRun
} from '../core/normalize/index.js'
import {
  CALIBRATION_SCHEMA,
  type Calibration,
  type CalibrationKind,
  type CalibrationPoint,
  type Measurement
} from '../core/types.js'
import { readGpuInventory, probeSensors } from '../sensors/probe-sensors.js'
import { formatStepLine, type ProgressStep } from '../core/report/format-progress.js'
import { measureCommand, measureIdlePower, type MeasureOptions, type Tick } from './measure.js'
import type { SuiteWorkload } from './reference-suite.js'
import { readHostInventory } from '../adapters/host-inventory.js'
import { sensorEnvOf, type RunEnv } from './run-env.js'

export interface CalibrateOptions {
  workloads: SuiteWorkload[]
  runs: number
  quick: boolean
  cooldownS: number
  idleS: number
  intervalMs: number
  env: RunEnv
  cwd?: string
  signal?: AbortSignal
  log: (line: string) => void
  /** a step starts (warm-up, idle window, each workload run); without it the step is logged */
  onStep?: MeasureOptions['onStep']
  /** the energy of the running step so far, about once a second */
  onTick?: (tick: Tick, estimated: boolean) => void
  store: HistoryStore | null
  /** called with the calibration so far after each workload */
  onProgress?: (partial: Calibration) => Promise<void>
}

interface CalibrateResult {
  calibration: Calibration
  warnings: string[]
  interrupted: boolean
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function deviceOf(
  m: Measurement,
  kind: 'gpu' | 'cpu'
): { power: number; found: boolean; count: number; limitW: number | null } {
  const parts = m.components.filter((c) => c.kind === kind && c.meanPowerW !== null)
  const limits = parts.map((c) => c.powerLimitW ?? null)
  return {
    power: parts.reduce((s, c) => s + (c.meanPowerW ?? 0), 0),
    found: parts.length > 0,
    count: parts.length,
    limitW:
      parts.length > 0 && limits.every((l) => l !== null && l > 0)
        ? (limits as number[]).reduce((a, b) => a + b, 0)
        : null
  }
}

/**
 * The newest calibration of this host of the same kind (full, or estimate for estimate): a quick
 * smoke run's small-scale energies would read as a 400% "drift" of a healthy runner.
 */
async function findDriftReference(
  store: HistoryStore,
  fingerprint: string,
  kind: CalibrationKind
): Promise<Calibration | null> {
  const latest = await store.readCalibration(fingerprint)
  const candidates = [...(await store.readCalibrationLog(fingerprint)), ...(latest ? [latest] : [])]
  const time = (c: Calibration): number => Date.parse(c.createdAt) || 0
  return candidates
    .filter((c) => calibrationKindOf(c) === kind)
    .reduce<Calibration | null>((best, c) => (best && time(best) > time(c) ? best : c), null)
}

export async function runCalibration(o: CalibrateOptions): Promise<CalibrateResult> {
  const sensorEnv = sensorEnvOf(o.env, o.intervalMs)
  const probe = await probeSensors(sensorEnv)
  for (const n of probe.notices) o.log(`joulegate: ${n}`)
  const inventory = await readGpuInventory(sensorEnv).catch(() => [])
  const host = await readHostInventory(
    inventory.map((g) => g.name),
    inventory.find((g) => g.driver)?.driver ?? null
  )
  // the CPU suite describes the CPU even where a GPU is visible (it idles through it)
  const cpuSuite = o.workloads.length > 0 && o.workloads.every((w) => w.device === 'cpu')
  const powerOf: 'gpu' | 'cpu' = inventory.length > 0 && !cpuSuite ? 'gpu' : 'cpu'
  const estimated = probe.sensors.every((sensor) => sensor.source === 'estimate')
  const warm = o.workloads[0]?.quick && !o.quick ? o.workloads[0].quick : null
  // every step of the job is numbered: warm-up, idle window, each run of each workload
  const total = (warm ? 1 : 0) + (o.idleS > 0 ? 1 : 0) + o.workloads.length * o.runs
  let index = 0
  const announce = (step: ProgressStep): void => {
    const numbered = { ...step, index: ++index, total }
    if (o.onStep) o.onStep(numbered)
    else o.log(formatStepLine(numbered))
  }
  const base: Omit<MeasureOptions, 'command'> = {
    cwd: o.cwd,
    env: o.env.vars,
    openSensors: () => probeSensors(sensorEnv),
    readHost: async () => host,
    idleS: 0,
    repeat: 1,
    intervalMs: o.intervalMs,
    signal: o.signal,
    log: o.log,
    onTick: o.onTick ? (tick) => o.onTick!(tick, estimated) : undefined
  }
  if (warm) {
    announce({ label: 'warm-up run (not recorded)' })
    await measureCommand({ ...base, command: warm })
  }
  const createdAt = new Date().toISOString()
  const idlePowerW = await measureIdlePower({
    ...base,
    command: { argv: ['true'] },
    idleS: o.idleS,
    onStep: announce
  })
  const points: CalibrationPoint[] = []
  const notices = [...probe.notices]
  // a smoke run's energies are a small scale's, not comparable with a full run's: marked so that
  // nothing stores it as the runner's calibration, compares drift with it or normalises with it
  const kind: CalibrationKind = o.quick ? 'quick' : estimated ? 'estimate' : 'full'
  if (o.quick)
    notices.push(
      "quick: a smoke run at a small scale; not the runner's calibration (never stored, never a drift reference, refused by normalize unless forced)"
    )
  if (estimated)
    notices.push(
      'no energy sensor: this calibration is built from the estimate model and cannot normalise real measurements'
    )
  const workloadsLeft = (done: number): string[] => o.workloads.slice(done).map((w) => w.name)
  // A calibration takes minutes: the file is rewritten after every workload, so a cancelled or
  // timed-out run still leaves the points it finished (marked incomplete).
  const assemble = (done: CalibrationPoint[], missing: string[]): Calibration => {
    const cal: Calibration = {
      schema: CALIBRATION_SCHEMA,
      createdAt,
      host: {
        fingerprint: host.fingerprint,
        cpu: host.cpu,
        gpus: inventory.map((g) => ({ name: g.name, powerLimitW: g.powerLimitW })),
        driver: host.driver ?? null
      },
      idlePowerW,
      points: [...done],
      powerOf,
      kind
    }
    const all =
      missing.length > 0
        ? [...notices, `incomplete: not yet measured: ${missing.join(', ')}`]
        : notices
    if (all.length > 0) cal.notices = all
    return cal
  }
  let interrupted = false
  for (const w of o.workloads) {
    const runs: WorkloadRun[] = []
    for (let i = 1; i <= o.runs && !o.signal?.aborted; i++) {
      announce({ label: `${w.name} run ${i} of ${o.runs}` })
      const m = await measureCommand({ ...base, command: o.quick && w.quick ? w.quick : w.command })
      if (m.interrupted) {
        interrupted = true
        break
      }
      if (m.exitCode !== 0)
        throw new Error(
          `calibration workload ${w.name} failed with exit status ${m.exitCode ?? m.signal}; fix it or leave it out`
        )
      const device = deviceOf(m, powerOf)
      const run: WorkloadRun = {
        energyJ: m.energyJ,
        durationS: m.durationS,
        meanPowerW: device.found ? device.power : m.energyJ / m.durationS
      }
      if (m.metrics['flops']) run.flops = m.metrics['flops']
      if (m.metrics['params']) run.params = m.metrics['params']
      if (powerOf === 'gpu' && device.found) {
        run.gpuCount = device.count
        if (device.limitW !== null) run.powerLimitW = device.limitW
      }
      runs.push(run)
      if (i < o.runs && o.cooldownS > 0) await sleep(o.cooldownS * 1000)
    }
    if (interrupted || o.signal?.aborted) break
    points.push(buildCalibrationPoint(w.name, runs, w.family))
    await o.onProgress?.(assemble(points, workloadsLeft(points.length)))
  }
  const calibration = assemble(points, workloadsLeft(points.length))
  const previous =
    kind !== 'quick' && o.store ? await findDriftReference(o.store, host.fingerprint, kind) : null
  const warnings = previous ? detectDrift(previous, calibration) : []
  for (const w of warnings) o.log(`joulegate: drift: ${w}`)
  return { calibration, warnings, interrupted: interrupted || Boolean(o.signal?.aborted) }
}
