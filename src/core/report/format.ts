// Number formatting for every view (terminal, pull-request comment, job summary, dashboard), so a
// figure reads the same wherever a person meets it: 3 significant figures, never e-notation.
import type { Method } from '../types.js'

export const JOULES_PER_KWH = 3_600_000

export const toKwh = (joules: number): number => joules / JOULES_PER_KWH

/** Significant figures written out in full: a reviewer never has to decode `6.24e-5`. */
export function formatSig(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x)
  if (x === 0) return '0'
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
  const { unit, joulesPerUnit } = chooseEnergyUnit(joules)
  return `${formatSig(joules / joulesPerUnit, digits)} ${unit}`
}

/** The unit formatEnergy writes `joules` in; a chart takes its largest value's for its axis. */
export function chooseEnergyUnit(joules: number): { unit: string; joulesPerUnit: number } {
  const abs = Math.abs(joules)
  for (const [scale, unit] of ENERGY_UNITS) {
    if (abs >= scale) return { unit, joulesPerUnit: scale }
  }
  return { unit: 'J', joulesPerUnit: 1 }
}

/** The same scaling for figures the verdict keeps in kWh (budgets are written in kWh). */
export const formatKwh = (kwh: number): string => formatEnergy(kwh * JOULES_PER_KWH)

/** A change, always signed: "+35.0%", "−4.2%", "0.0%". */
export function formatPercent(fraction: number, digits = 1): string {
  const v = fraction * 100
  const s = Math.abs(v).toFixed(digits)
  if (Number(s) === 0) return `${(0).toFixed(digits)}%`
  return `${v > 0 ? '+' : '−'}${s}%`
}

/** A share of a whole (coverage, a coefficient of variation), never signed: "98.5%". */
export function formatShare(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`
}

export function formatInterval(iv: readonly [number, number], fmt: (x: number) => string): string {
  return `${fmt(iv[0])} to ${fmt(iv[1])}`
}

/** "12.3 s", "4 min 12 s", "2 h 5 min": how long a person would say a run took. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${formatSig(seconds)} s`
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = Math.round(seconds % 60)
  return h > 0 ? `${h} h ${m} min` : `${m} min ${s} s`
}

export function formatWatts(watts: number | null | undefined): string {
  return watts === null || watts === undefined ? '—' : `${formatSig(watts)} W`
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

/** How a figure was obtained, in words a reader understands at a glance. */
export function describeMethod(method: Method | string): string {
  switch (method) {
    case 'counter':
      return 'hardware counter'
    case 'power-integration':
      return 'integrated power'
    case 'estimate':
      return 'estimate (no sensor)'
    default:
      return method
  }
}
