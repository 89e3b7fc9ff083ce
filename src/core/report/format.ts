// Number formatting shared by the verdict's explanations and the report, so both read the same.

export { JOULES_PER_KWH, toKwh } from '../format.js'

/** Three significant figures without exponent noise for the magnitudes a training run has. */
export function formatSig(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x)
  if (x === 0) return '0'
  const abs = Math.abs(x)
  if (abs >= 1e6 || abs < 1e-4) return x.toExponential(digits - 1)
  return String(Number(x.toPrecision(digits)))
}

export const formatKwh = (kwh: number): string => `${formatSig(kwh)} kWh`

export function formatPercent(fraction: number, digits = 1): string {
  const v = fraction * 100
  const s = Math.abs(v).toFixed(digits)
  if (Number(s) === 0) return `${(0).toFixed(digits)}%`
  return `${v > 0 ? '+' : '−'}${s}%`
}

export function formatInterval(iv: readonly [number, number], fmt: (x: number) => string): string {
  return `${fmt(iv[0])} to ${fmt(iv[1])}`
}

export function formatDuration(s: number): string {
  if (s < 120) return `${formatSig(s)} s`
  if (s < 7200) return `${formatSig(s / 60)} min`
  return `${formatSig(s / 3600)} h`
}

export const formatGrams = (g: number): string => `${formatSig(g)} gCO2e`

/** Large counts (params, MACs, FLOPs) with an SI suffix. */
export function formatCount(x: number): string {
  const abs = Math.abs(x)
  for (const [f, s] of [
    [1e15, 'P'],
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k']
  ] as const) {
    if (abs >= f) return `${formatSig(x / f)}${s}`
  }
  return formatSig(x)
}

/** Significant figures written out in full: a reviewer never has to decode `6.24e-5`. */
export function formatPlain(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x)
  return x.toLocaleString('en-US', { maximumSignificantDigits: digits, useGrouping: false })
}

const ENERGY_UNITS = [
  [3.6e9, 'MWh'],
  [3.6e6, 'kWh'],
  [3.6e3, 'Wh']
] as const

/**
 * Energy scaled for people (J, Wh, kWh, MWh, 3 significant figures): a laptop test run reads in
 * joules, a cluster job in kWh or MWh. Every view (terminal, comment, summary, dashboard) uses it.
 */
export function formatEnergy(joules: number, digits = 3): string {
  const abs = Math.abs(joules)
  for (const [scale, unit] of ENERGY_UNITS) {
    if (abs >= scale) return `${formatPlain(joules / scale, digits)} ${unit}`
  }
  return `${formatPlain(joules, digits)} J`
}
