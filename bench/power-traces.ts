// Integration error of the power-integration sensors on seeded synthetic power traces whose exact
// energy is known. Each trace is piecewise linear (idle/load steps, ramps, small load changes)
// plus short rectangular spikes; a sampler reads it at the sensor interval with timing jitter,
// pipe latency, occasional stalls and reading noise, and the readings go through PowerTimeline
// exactly as nvidia-smi's and amdgpu's sensors feed it (readings before the window, open, add,
// finish). The error is that result against the trace's exact integral over the window.
import { max, mean, median } from 'simple-statistics'
import { PowerTimeline } from '../src/sensors/power-timeline.js'

interface Knot {
  t: number
  w: number
}
interface Spike {
  from: number
  to: number
  w: number
}
export interface Trace {
  durationS: number
  knots: Knot[]
  spikes: Spike[]
}

export interface Rng {
  rand: () => number
  gauss: () => number
}

/** mulberry32: a small seeded generator, so every run prints the same figures. */
export function makeRng(seed: number): Rng {
  let a = seed >>> 0
  const rand = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
  return { rand, gauss }
}

/** Linear interpolation on sorted knots; a step is two knots at the same time. */
function baseAt(knots: readonly Knot[], t: number): number {
  if (t <= knots[0]!.t) return knots[0]!.w
  for (let i = 1; i < knots.length; i++) {
    const a = knots[i - 1]!
    const b = knots[i]!
    if (t < b.t) return a.w + ((b.w - a.w) * (t - a.t)) / (b.t - a.t)
  }
  return knots[knots.length - 1]!.w
}

function powerAt(trace: Trace, t: number): number {
  let w = baseAt(trace.knots, t)
  for (const s of trace.spikes) if (t >= s.from && t < s.to) w += s.w
  return w
}

/**
 * A training-like trace over [0, D], D from 20 s to 5 min: idle 40-120 W, load 100-600 W above
 * it; alternating idle and load phases of 2-40 s entered by a step (60%) or a 0.2-3 s ramp; load
 * shifting by up to ±15% every 1-5 s; spikes of 20-300 ms and +50-300 W, 0.2 per second.
 */
export function makeTrace({ rand }: Rng): Trace {
  const D = 20 + rand() * 280
  const idle = 40 + rand() * 80
  const load = idle + 100 + rand() * 500
  const knots: Knot[] = [{ t: 0, w: idle }]
  let t = 1 + rand() * 4
  let level = idle
  let loaded = false
  knots.push({ t, w: level })
  while (t < D) {
    loaded = !loaded
    level = loaded ? load * (0.85 + 0.3 * rand()) : idle * (0.95 + 0.1 * rand())
    if (rand() >= 0.6) t += 0.2 + rand() * 2.8 // a ramp; else a step at t
    knots.push({ t, w: level })
    const phaseEnd = t + 2 + rand() * 38
    while (t < phaseEnd) {
      t += 1 + rand() * 4
      knots.push({ t, w: level })
      if (loaded) {
        level = load * (0.85 + 0.3 * rand())
        knots.push({ t, w: level })
      }
    }
  }
  const end = { t: D, w: baseAt(knots, D) }
  const inside = knots.filter((k) => k.t < D)
  const spikes: Spike[] = []
  for (let s = 0.5 - Math.log(1 - rand()) / 0.2; s < D - 0.5; s += -Math.log(1 - rand()) / 0.2) {
    const width = 0.02 + rand() * 0.28
    spikes.push({ from: s, to: Math.min(s + width, D - 0.5), w: 50 + rand() * 250 })
  }
  return { durationS: D, knots: [...inside, end], spikes }
}

/** The exact energy over [0, D]: trapezoids are exact on piecewise-linear power. */
export function exactEnergy(trace: Trace): number {
  let j = 0
  for (let i = 1; i < trace.knots.length; i++) {
    const a = trace.knots[i - 1]!
    const b = trace.knots[i]!
    j += ((a.w + b.w) / 2) * (b.t - a.t)
  }
  return j + trace.spikes.reduce((sum, s) => sum + s.w * (s.to - s.from), 0)
}

/**
 * Readings as a sensor gets them: the first one shortly before the window opens; then one per
 * interval plus 2 ms of query time, 2 ms sd of jitter, a 0.5% chance of a 50-500 ms stall; each
 * stamped on arrival (1-3 ms after the sample) with 1 W sd of reading noise.
 */
export function sampleTrace(trace: Trace, intervalS: number, { rand, gauss }: Rng): Knot[] {
  const out: Knot[] = []
  let at = -(0.003 + rand() * (intervalS - 0.003))
  while (at <= trace.durationS) {
    out.push({ t: at + 0.001 + rand() * 0.002, w: powerAt(trace, at) + gauss() })
    let step = intervalS + 0.002 + 0.002 * gauss()
    if (rand() < 0.005) step += 0.05 + rand() * 0.45
    at += Math.max(intervalS / 2, step)
  }
  return out
}

export interface TraceError {
  /** finish(): the energy a sensor reports, relative error */
  final: number
  /** energySoFar() at the last reading: what progress lines and metric stamps use */
  running: number
}

export function integrateTrace(trace: Trace, readings: readonly Knot[], intervalS: number) {
  const timeline = new PowerTimeline(intervalS)
  let opened = false
  for (const r of readings) {
    if (!opened && r.t >= 0) {
      timeline.open(0)
      opened = true
    }
    timeline.add(r.t, r.w)
  }
  if (!opened) timeline.open(0)
  const exact = exactEnergy(trace)
  const result = timeline.finish(trace.durationS)
  const lastT = readings[readings.length - 1]!.t
  const exactToLast = exactEnergy(clipTrace(trace, lastT))
  return {
    final: (result.energyJ - exact) / exact,
    running: (timeline.energySoFar() - exactToLast) / exactToLast
  } satisfies TraceError
}

function clipTrace(trace: Trace, end: number): Trace {
  const knots = trace.knots.filter((k) => k.t < end)
  knots.push({ t: end, w: baseAt(trace.knots, end) })
  const spikes = trace.spikes
    .filter((s) => s.from < end)
    .map((s) => ({ ...s, to: Math.min(s.to, end) }))
  return { durationS: end, knots, spikes }
}

export interface ErrorSummary {
  intervalMs: number
  traces: number
  medianPct: number
  maxPct: number
  /** mean signed error: a systematic bias shows here */
  biasPct: number
  runningMaxPct: number
}

export function summariseErrors(seed: number, traces: number, intervalMs: number): ErrorSummary {
  // separate streams, so every interval sees the same traces
  const traceRng = makeRng(seed)
  const samplerRng = makeRng(seed + 1)
  const errors: TraceError[] = []
  for (let i = 0; i < traces; i++) {
    const trace = makeTrace(traceRng)
    const readings = sampleTrace(trace, intervalMs / 1000, samplerRng)
    errors.push(integrateTrace(trace, readings, intervalMs / 1000))
  }
  const abs = errors.map((e) => Math.abs(e.final) * 100)
  return {
    intervalMs,
    traces,
    medianPct: median(abs),
    maxPct: max(abs),
    biasPct: mean(errors.map((e) => e.final * 100)),
    runningMaxPct: max(errors.map((e) => Math.abs(e.running) * 100))
  }
}
