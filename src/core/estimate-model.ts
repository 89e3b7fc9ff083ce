// The fallback power model used when no energy counter or power sensor can be read (pure).
//
// CPU: linear in utilisation per hardware thread, P = threads × (Pmin + (Pmax − Pmin) × load),
// with the Cloud Carbon Footprint averages derived from SPECpower_ssj2008 results
// (cloudcarbonfootprint.org methodology, Appendix I, AWS: 0.74 W at 0 % and 3.5 W at 100 % per vCPU).
// RAM: constant per GB, 0.392 W/GB (the same methodology: 0.000392 kWh per GB-hour). CodeCarbon's
// 3 W per 8 GB (0.375 W/GB, after Crucial) agrees within 5 %. See docs/sensors.md.

const CPU_MODEL = {
  name: 'ccf-specpower-linear',
  minWattsPerThread: 0.74,
  maxWattsPerThread: 3.5,
  source:
    'Cloud Carbon Footprint methodology, Appendix I (AWS averages of SPECpower_ssj2008 results)'
} as const

const RAM_MODEL = {
  name: 'ccf-memory',
  wattsPerGB: 0.392,
  source: 'Cloud Carbon Footprint methodology, memory coefficient 0.000392 kWh/GB-h'
} as const

/** Estimated CPU power in W for `threads` logical CPUs at `load` (0..1, clamped). */
export function estimateCpuPowerW(threads: number, load: number): number {
  const u = Number.isFinite(load) ? Math.min(1, Math.max(0, load)) : 0
  const perThread =
    CPU_MODEL.minWattsPerThread + (CPU_MODEL.maxWattsPerThread - CPU_MODEL.minWattsPerThread) * u
  return Math.max(0, threads) * perThread
}

/** Estimated DRAM power in W for `gigabytes` of installed memory (independent of use). */
export function estimateRamPowerW(gigabytes: number): number {
  return Math.max(0, gigabytes) * RAM_MODEL.wattsPerGB
}

/** The `model` text of an estimated CPU component: the model and its coefficients. */
export function describeCpuModel(threads: number): string {
  return `${CPU_MODEL.name}: P = ${threads} threads × (${CPU_MODEL.minWattsPerThread} + (${CPU_MODEL.maxWattsPerThread} − ${CPU_MODEL.minWattsPerThread}) × load) W, load sampled during the run; ${CPU_MODEL.source}`
}

export function describeRamModel(gigabytes: number): string {
  return `${RAM_MODEL.name}: P = ${RAM_MODEL.wattsPerGB} W/GB × ${round(gigabytes, 1)} GB; ${RAM_MODEL.source}`
}

function round(x: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
