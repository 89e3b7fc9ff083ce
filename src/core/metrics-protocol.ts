// The metrics protocol (contract): the measured command appends one JSON object per line to
// JOULEGATE_METRICS_FILE. Lines are stamped with elapsed time and energy when they are read.
import type { ProgressPoint } from './types.js'

export const RESERVED_METRIC_KEYS = ['params', 'macs', 'flops', 'epoch', 'step'] as const

export type MetricValue = number | string | boolean | null

export type ParsedMetricLine =
  { ok: true; values: Record<string, MetricValue> } | { ok: false; error: string }

/** Parses one line; `lineNumber` is 1-based and only used in the error text. */
export function parseMetricLine(line: string, lineNumber: number): ParsedMetricLine {
  const text = line.trim()
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return {
      ok: false,
      error: `metrics line ${lineNumber}: not JSON: ${preview(text)}; expected one JSON object per line such as {"epoch": 3, "psds1": 0.52}`
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return {
      ok: false,
      error: `metrics line ${lineNumber}: got ${preview(text)}, expected a JSON object such as {"epoch": 3, "psds1": 0.52}`
    }
  }
  const values: Record<string, MetricValue> = {}
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value === 'number') {
      if (Number.isFinite(value)) values[key] = value
    } else if (typeof value === 'string' || typeof value === 'boolean' || value === null) {
      values[key] = value
    }
    // nested objects and arrays carry no metric; they are dropped rather than guessed at
  }
  return { ok: true, values }
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)
}

/** The last value of each key is the final metric; numbers go to metrics, the rest to labels. */
export function collectFinalMetrics(progress: readonly ProgressPoint[]): {
  metrics: Record<string, number>
  labels: Record<string, string | boolean | null>
} {
  const metrics: Record<string, number> = {}
  const labels: Record<string, string | boolean | null> = {}
  for (const point of progress) {
    for (const [key, value] of Object.entries(point.values)) {
      if (typeof value === 'number') {
        metrics[key] = value
        delete labels[key]
      } else {
        labels[key] = value
        delete metrics[key]
      }
    }
  }
  return { metrics, labels }
}

/** Splits a growing text buffer into complete lines and the unfinished rest. */
export function splitCompleteLines(buffer: string): { lines: string[]; rest: string } {
  const parts = buffer.split('\n')
  const rest = parts.pop() ?? ''
  return { lines: parts.map((l) => l.replace(/\r$/, '')), rest }
}
