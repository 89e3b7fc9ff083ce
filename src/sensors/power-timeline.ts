// A power timeline for the power-integration sensors (nvidia-smi, amdgpu hwmon): readings come in
// with absolute times (s); a running trapezoid keeps snapshot() free of work, and the exact window
// integral (integratePower) is taken once, at stop.
import { performance } from 'node:perf_hooks'
import { integratePower, type PowerSample } from '../core/integrate.js'
import { placeNvidiaReading } from '../core/nvidia-smi-csv.js'

interface TimelineResult {
  energyJ: number
  meanPowerW: number | null
  samples: number
  coverage: number
}

export class PowerTimeline {
  private samples: PowerSample[] = []
  private last: PowerSample | null = null
  private start: number | null = null
  private runningJ = 0
  /** readings that were [N/A] or unreadable */
  missing = 0
  /** readings refused as physically impossible for the device (isPlausiblePower) */
  refused = 0
  private maxRefusedW = 0

  /** `intervalS`: the expected spacing of readings; longer gaps lower the coverage. */
  constructor(private readonly intervalS: number) {}

  /** Opens the window at `t` (s); earlier readings only serve to interpolate its edge. */
  open(t: number): void {
    this.start = t
    this.runningJ = 0
    const before = this.last
    this.samples = before ? [before] : []
  }

  get opened(): boolean {
    return this.start !== null
  }

  /** the time of the latest reading, null before the first */
  get latestT(): number | null {
    return this.last?.t ?? null
  }

  get count(): number {
    return this.samples.length
  }

  add(t: number, watts: number | null): void {
    if (watts === null || !Number.isFinite(watts)) {
      this.missing++
      return
    }
    const s = { t, watts }
    const a = this.last
    // a reading not after the previous one (two reads in the same instant) adds nothing
    if (a !== null && a.t >= t) return
    if (this.start !== null && t > this.start) {
      if (a === null) {
        this.runningJ += watts * (t - this.start)
      } else if (a.t < this.start) {
        const w0 = a.watts + ((watts - a.watts) * (this.start - a.t)) / (t - a.t)
        this.runningJ += ((w0 + watts) / 2) * (t - this.start)
      } else {
        this.runningJ += ((a.watts + watts) / 2) * (t - a.t)
      }
    }
    this.samples.push(s)
    this.last = s
  }

  /** Counts a reading the device cannot have given; like a missing one, its time is a gap. */
  refuse(watts: number): void {
    this.refused++
    if (!(watts <= this.maxRefusedW)) this.maxRefusedW = watts
  }

  /** The largest refused reading (W), for the note. */
  get largestRefusedW(): number {
    return this.maxRefusedW
  }

  /** Energy since open() as of the latest reading (no allocation). */
  energySoFar(): number {
    return this.runningJ
  }

  /**
   * The window's integral and coverage. A gap between readings longer than three intervals
   * (at least interval + 0.25 s, for jitter) counts as uncovered, less the one interval it would
   * have taken anyway.
   */
  finish(end: number): TimelineResult {
    const start = this.start ?? end
    const span = end - start
    const energyJ = integratePower(this.samples, start, end)
    const inside = this.samples.filter((s) => s.t >= start && s.t <= end)
    const tolerance = Math.max(3 * this.intervalS, this.intervalS + 0.25)
    let uncovered = 0
    let prev = start
    for (const t of [...inside.map((s) => s.t), end]) {
      if (t - prev > tolerance) uncovered += t - prev - this.intervalS
      prev = t
    }
    const coverage = span > 0 ? Math.max(0, Math.min(1, 1 - uncovered / span)) : 1
    return {
      energyJ,
      meanPowerW: span > 0 && this.samples.length > 0 ? energyJ / span : null,
      samples: inside.length,
      coverage: this.samples.length === 0 ? 0 : coverage
    }
  }
}

/**
 * Places readings that a tool stamped with the local wall clock (nvidia-smi's `timestamp`, read
 * as if UTC) on performance.now's timeline (s), which the window uses. The offset between the two
 * is measured at each read, so slow clock corrections never add up; a stamp a clock step made
 * impossible is replaced (placeNvidiaReading) and counted in `unstamped`.
 */
export class WallStampClock {
  private nowS = 0
  private offsetS = 0
  private previousReadS = performance.now() / 1000
  unstamped = 0

  constructor(private readonly intervalS: number) {}

  /** Call before handing over the lines of one read. */
  beginRead(): void {
    const wall = new Date()
    this.nowS = performance.now() / 1000
    this.offsetS = this.nowS - (wall.getTime() - wall.getTimezoneOffset() * 60000) / 1000
  }

  /** Call after them: later reads only hold lines written after this one. */
  endRead(): void {
    this.previousReadS = this.nowS
  }

  /** The time of a reading stamped `wallMs` (null: unparsable) after one at `previousS`. */
  place(wallMs: number | null, previousS: number | null): number {
    const { t, stamped } = placeNvidiaReading(wallMs, {
      nowS: this.nowS,
      offsetS: this.offsetS,
      previousReadS: this.previousReadS,
      previousS,
      intervalS: this.intervalS
    })
    if (!stamped) this.unstamped++
    return t
  }
}
