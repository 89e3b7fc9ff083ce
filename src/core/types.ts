// The data that flows through the pipeline. Field names marked "contract" are read by external
// tools (see DESIGN.md) and must not be renamed.

export const MEASUREMENT_SCHEMA = 'joulegate.measurement/v1' // contract
export const CALIBRATION_SCHEMA = 'joulegate.calibration/v1' // contract
export const RESULT_SCHEMA = 'joulegate.result/v1'

export type ComponentKind = 'gpu' | 'cpu' | 'ram' | 'other'
/** counter: hardware energy counter deltas; power-integration: sampled power integrated over time; estimate: a model, no sensor. */
export type Method = 'counter' | 'power-integration' | 'estimate'

export interface Component {
  id: string // contract, e.g. gpu0, cpu0, ram
  kind: ComponentKind // contract
  name: string // contract
  method: Method // contract
  source: string // contract: nvml | nvidia-smi | rapl | amd-hwmon | estimate
  energyJ: number // contract
  meanPowerW: number | null
  powerLimitW?: number | null
  samples?: number
  /** fraction of the window covered by readings (gaps from a restarted sampler lower it) */
  coverage?: number
  /** why this component carries a caveat (fallback taken, counter unreadable, ...) */
  notes?: string[]
  /** the estimate's model and coefficients, when method is estimate */
  model?: string
  uuid?: string
  busId?: string
  /** the node the device is in, for energy read from a cluster's telemetry (Prometheus) */
  host?: string
}

export interface ProgressPoint {
  elapsedS: number
  energyJ: number
  values: Record<string, number | string | boolean | null>
}

export interface HostInfo {
  fingerprint: string
  cpu: string
  gpus: string[]
  driver?: string | null
  cores?: number
  memoryGB?: number
  os?: string
  hostname?: string
}

export interface RunSummary {
  exitCode: number | null
  signal: string | null
  durationS: number
  energyJ: number
  netEnergyJ: number | null
  interrupted: boolean
}

export interface RepeatStats {
  n: number
  meanJ: number
  sdJ: number
  cv: number
  meanDurationS: number
}

export interface Measurement {
  schema: typeof MEASUREMENT_SCHEMA
  command: string
  exitCode: number | null
  signal?: string | null
  interrupted?: boolean
  startedAt: string
  durationS: number
  energyJ: number
  idlePowerW: number | null
  netEnergyJ: number | null
  intervalMs?: number
  components: Component[]
  metrics: Record<string, number>
  /** non-numeric final values (strings, booleans) the training script reported */
  labels?: Record<string, string | boolean | null>
  progress: ProgressPoint[]
  metricErrors?: string[]
  host: HostInfo
  runs?: RunSummary[]
  repeat?: RepeatStats
  notices?: string[]
  /** JOULEGATE_CROSS_CHECK=1: the same devices read by a second sensor (e.g. nvidia-smi beside NVML), not summed */
  crossChecks?: Component[]
  /** the workload family (check sets the series name): matches calibration points of that family */
  family?: string
}

export interface CalibrationPoint {
  workload: string
  energyJ: number
  durationS: number
  meanPowerW: number
  flops?: number
  params?: number
  runs?: number
  cv?: number
  /** the power limit meanPowerW is a fraction of, when the workload used several GPUs */
  powerLimitW?: number
  /** how many GPUs the workload used */
  gpuCount?: number
  /** the workload family: the repository's own training carries the family its pull-request runs carry */
  family?: string
}

/** full: the suite at its real scale; quick: a smoke run; estimate: made on estimated energy */
export type CalibrationKind = 'full' | 'quick' | 'estimate'

interface CalibrationHostGpu {
  name: string
  powerLimitW?: number | null
}

export interface Calibration {
  schema: typeof CALIBRATION_SCHEMA
  createdAt: string
  host: { fingerprint: string; cpu: string; gpus: CalibrationHostGpu[]; driver?: string | null }
  idlePowerW: number | null
  points: CalibrationPoint[]
  /** which device meanPowerW describes: the GPU when there is one, else the CPU */
  powerOf?: 'gpu' | 'cpu'
  /** absent in older files: full */
  kind?: CalibrationKind
  notices?: string[]
}

/** A normalised energy: the energy the same work would take on the reference host. */
export interface Normalization {
  normalizedEnergyJ: number // contract
  interval: [number, number] // contract: 80%
  model: string // contract
  looError: number // contract: leave-one-out median absolute relative error
  pointsUsed: string[]
  reference: string
  /** what the figure rests on, in words: anchor, suite points, model, LOO error */
  evidence?: string
  /** the workload family that was looked for, and whether both calibrations had a point of it */
  family?: string | null
  anchored?: boolean
}

export type Verdict = 'pass' | 'fail' | 'inconclusive' | 'no-baseline' // contract (action output)

/** One line of history/NAME.jsonl: a measured (and possibly normalised) run of a series at a commit. */
export interface HistoryRecord {
  schema: typeof RESULT_SCHEMA
  series: string
  commit: string | null
  branch?: string | null
  recordedAt: string
  runner?: string | null
  measurement: Measurement
  normalization: Normalization | null
  calibrationFingerprint?: string | null
  /** the calibration's createdAt, so reports can say how old it was */
  calibrationCreatedAt?: string | null
  /** recorded from a checkout with local changes: the figures are not exactly `commit`'s */
  dirty?: boolean
  /** the verdict of the run against its baseline when it was recorded (the dashboard lists it) */
  verdict?: Verdict | null
}

export const CHECK_RESULT_SCHEMA = 'joulegate.check-result/v1'

/** environment variables as a shell read them, handed whole to the processes joulegate starts */
export type EnvVars = Readonly<Record<string, string | undefined>>
