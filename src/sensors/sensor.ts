import type { Component } from '../core/types.js'

/**
 * One energy source (NVML, nvidia-smi, RAPL, amdgpu hwmon, the estimate model). The monitor
 * starts every available sensor before the command and stops them after it; a sensor is the only
 * place that touches its device files or tools.
 */
export interface EnergySensor {
  /** a short id for logs: nvml, nvidia-smi, rapl, amd-hwmon, estimate */
  readonly source: string
  /** begins sampling; energy counts from this call */
  start(): Promise<void>
  /** energy since start(), per component, as of the latest reading (cheap: at most one small read, no process) */
  snapshot(): ComponentSnapshot[]
  /**
   * takes a fresh reading now, so that the next snapshot() is current: called at the command's
   * start (to take off what was counted before it) and when a metric line is stamped
   */
  refresh?(): Promise<void>
  /** stops sampling and returns the final components for the window start()..stop() */
  stop(): Promise<Component[]>
}

export interface ComponentSnapshot {
  id: string
  energyJ: number
}

/** What probing one source found: a ready sensor, or null with the reason it was skipped. */
export interface ProbeResult {
  sensor: EnergySensor | null
  /**
   * a second reading of energy `sensor` already counts (nvidia-smi's power integration beside
   * NVML's counter): measured in the same window and reported apart, never summed
   */
  crossCheck?: EnergySensor | null
  notices: string[]
}

/** Every source has one probe of this shape; the caller combines their results. */
export interface SensorProbe {
  readonly source: string
  probe(env: SensorEnv): Promise<ProbeResult>
}

/** The sensors a measurement window opens: what it counts, and what only cross-checks it. */
export interface ProbedSensors {
  sensors: EnergySensor[]
  crossChecks: EnergySensor[]
  notices: string[]
}

/** Several sources' results as one set, in the order given (the report lists them so). */
export function combineProbes(results: readonly ProbeResult[]): ProbedSensors {
  return {
    sensors: results.flatMap((r) => (r.sensor ? [r.sensor] : [])),
    crossChecks: results.flatMap((r) => (r.crossCheck ? [r.crossCheck] : [])),
    notices: results.flatMap((r) => r.notices)
  }
}

/** What sensors may read from the environment; filled once by the caller, never at import time. */
export interface SensorEnv {
  sysfsRoot: string // JOULEGATE_SYSFS_ROOT, default /sys
  nvidiaSmi: string // JOULEGATE_NVIDIA_SMI, default nvidia-smi
  cudaVisibleDevices: string | undefined
  /** CUDA_DEVICE_ORDER: only used to warn when index entries may not mean nvidia-smi's order */
  cudaDeviceOrder?: string
  intervalMs: number
  /** how long one probe of a tool (nvidia-smi --help-query-gpu, -L) may take; default 8 s */
  probeTimeoutMs?: number
  /** python interpreter for the NVML ctypes helper; null disables it */
  python: string | null
}
