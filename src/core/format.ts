// Number formatting shared by the terminal summary and the reports.
import type { Method } from './types.js'

export const JOULES_PER_KWH = 3_600_000

export const toKwh = (joules: number): number => joules / JOULES_PER_KWH

export function formatJoules(joules: number): string {
  const abs = Math.abs(joules)
  if (abs >= JOULES_PER_KWH) return `${(joules / JOULES_PER_KWH).toPrecision(4)} kWh`
  if (abs >= 1e3) return `${(joules / 1e3).toPrecision(4)} kJ`
  return `${joules.toPrecision(4)} J`
}

export function formatWatts(watts: number | null | undefined): string {
  return watts === null || watts === undefined ? '—' : `${watts.toPrecision(4)} W`
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = Math.round(seconds % 60)
  return h > 0 ? `${h} h ${m} min` : `${m} min ${s} s`
}

export function formatPercent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`
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
