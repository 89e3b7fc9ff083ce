/** A power reading at a moment, seconds since the window opened. */
export interface PowerSample {
  t: number
  watts: number
}

/**
 * Trapezoidal integral of power over [from, to] in joules. Readings outside the window are used to
 * interpolate its edges; the first and last readings are held flat towards the edges when the
 * window extends past them (a sampler starts and stops a little apart from the command).
 */
export function integratePower(samples: readonly PowerSample[], from: number, to: number): number {
  if (to <= from || samples.length === 0) return 0
  const pts = [...samples].sort((a, b) => a.t - b.t)
  const at = (t: number): number => {
    if (t <= pts[0]!.t) return pts[0]!.watts
    const last = pts[pts.length - 1]!
    if (t >= last.t) return last.watts
    let i = 1
    while (pts[i]!.t < t) i++
    const a = pts[i - 1]!
    const b = pts[i]!
    return a.watts + ((b.watts - a.watts) * (t - a.t)) / (b.t - a.t)
  }
  const inner = pts.filter((p) => p.t > from && p.t < to)
  const knots: PowerSample[] = [{ t: from, watts: at(from) }, ...inner, { t: to, watts: at(to) }]
  let joules = 0
  for (let i = 1; i < knots.length; i++) {
    const a = knots[i - 1]!
    const b = knots[i]!
    joules += ((a.watts + b.watts) / 2) * (b.t - a.t)
  }
  return joules
}

/**
 * Energy counters (RAPL, NVML) lose nothing between readings, so reading them faster than this
 * buys only fresher progress stamps; every wake-up costs the monitor CPU (docs/benchmarks.md).
 */
export const COUNTER_POLL_MIN_MS = 1000
