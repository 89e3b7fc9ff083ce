// CPU packages and their DRAM through Linux powercap RAPL counters (energy_uj, µJ, wrapping at
// max_energy_range_uj). Intel and, on recent kernels, AMD both appear as intel-rapl zones.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { judgeCounterStep, MAX_RAPL_ZONE_POWER_W } from '../core/plausibility.js'
import {
  computeRaplPollMs,
  parseSysfsInteger,
  selectRaplZones,
  type RaplZone
} from '../core/rapl-zones.js'
import type { Component } from '../core/types.js'
import type { ComponentSnapshot, EnergySensor, SensorEnv, SensorProbe } from './sensor.js'

interface Counter {
  zone: RaplZone
  file: string
  rangeUj: number | null
  last: number
  totalUj: number
  /** when `last` was read (s, performance.now) */
  lastT: number
  /** time (s) between readings whose step could not be counted: a reset or an implausible step */
  gapS: number
  /** why readings were refused, newest last */
  faults: string[]
  /** whether the latest attempt to read it succeeded */
  readOk: boolean
}

function readText(file: string): string {
  return readFileSync(file, 'utf8')
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error)
}

/** The notice for a counter that exists but cannot be read (root-only since Linux 5.10, CVE-2020-8694). */
function describeUnreadable(file: string, code: string): string {
  const glob = file.replace(/intel-rapl:[\d:]+\/energy_uj$/, 'intel-rapl:*/energy_uj')
  const fix =
    code === 'EACCES' || code === 'EPERM'
      ? ` It is readable by root only since Linux 5.10 (CVE-2020-8694). Fix: \`sudo chmod a+r ${glob}\` (until reboot), or a udev rule such as ` +
        '`SUBSYSTEM=="powercap", ACTION=="add", RUN+="/bin/chmod a+r /sys%p/energy_uj"`.'
      : ''
  return `RAPL: cannot read ${file} (${code}).${fix} Using the CPU estimate instead.`
}

export const raplProbe: SensorProbe = {
  source: 'rapl',
  async probe(env) {
    const base = join(env.sysfsRoot, 'class', 'powercap')
    let entries: string[]
    try {
      entries = readdirSync(base)
    } catch (error) {
      return {
        sensor: null,
        notices: [`RAPL: no ${base} (${errorCode(error)}); using the CPU estimate`]
      }
    }
    const described = entries.map((entry) => {
      let name: string | null
      try {
        name = readText(join(base, entry, 'name')).trim()
      } catch {
        name = null
      }
      return { entry, name }
    })
    const { zones } = selectRaplZones(described)
    if (!zones.some((z) => z.kind === 'cpu')) {
      return {
        sensor: null,
        notices: [`RAPL: no package zone under ${base}; using the CPU estimate`]
      }
    }
    const notices: string[] = []
    const counters: Counter[] = []
    for (const zone of zones) {
      const file = join(base, zone.entry, 'energy_uj')
      let first: number | null
      try {
        first = parseSysfsInteger(readText(file))
      } catch (error) {
        if (zone.kind === 'cpu')
          return { sensor: null, notices: [describeUnreadable(file, errorCode(error))] }
        notices.push(
          `${describeUnreadable(file, errorCode(error)).replace(/ Using the CPU estimate instead\.$/, '')} DRAM is not measured.`
        )
        continue
      }
      if (first === null) {
        const msg = `RAPL: ${file} does not hold an integer`
        if (zone.kind === 'cpu')
          return { sensor: null, notices: [`${msg}; using the CPU estimate`] }
        notices.push(`${msg}; DRAM is not measured`)
        continue
      }
      let rangeUj: number | null = null
      try {
        rangeUj = parseSysfsInteger(readText(join(base, zone.entry, 'max_energy_range_uj')))
      } catch {
        notices.push(
          `RAPL: no max_energy_range_uj for ${zone.entry}: a wrap of its counter cannot be corrected`
        )
      }
      counters.push({
        zone,
        file,
        rangeUj,
        last: first,
        totalUj: 0,
        lastT: 0,
        gapS: 0,
        faults: [],
        readOk: true
      })
    }
    if (!counters.some((c) => c.zone.kind === 'ram')) {
      notices.push('RAPL: no readable dram zone; memory energy is not included')
    }
    return { sensor: new RaplSensor(env, counters), notices }
  }
}

class RaplSensor implements EnergySensor {
  readonly source = 'rapl'
  private timer: NodeJS.Timeout | null = null
  private t0 = 0
  private reads = 0
  private failures = new Map<string, string>()
  readonly pollMs: number

  constructor(
    env: SensorEnv,
    private readonly counters: Counter[]
  ) {
    this.pollMs = computeRaplPollMs(
      env.intervalMs,
      counters.map((c) => c.rangeUj)
    )
  }

  async start(): Promise<void> {
    this.failures.clear()
    this.reads = 0
    this.t0 = performance.now() / 1000
    for (const c of this.counters) {
      c.totalUj = 0
      c.gapS = 0
      c.faults = []
      c.readOk = true
      c.last = this.readCounter(c) ?? c.last
      c.lastT = this.t0
    }
    this.timer = setInterval(() => this.poll(), this.pollMs)
    this.timer.unref()
  }

  /** The counter now, or null (and why, remembered) when it cannot be read or is not an integer. */
  private readCounter(c: Counter): number | null {
    let text: string
    try {
      text = readFileSync(c.file, 'utf8')
    } catch (error) {
      this.failures.set(c.zone.id, `${c.file}: ${errorCode(error)}`)
      return null
    }
    const value = parseSysfsInteger(text)
    if (value === null)
      this.failures.set(c.zone.id, `${c.file} held ${JSON.stringify(text.trim().slice(0, 40))}`)
    return value
  }

  private poll(): void {
    this.reads++
    for (const c of this.counters) {
      const now = this.readCounter(c)
      c.readOk = now !== null
      if (now === null) continue
      const t = performance.now() / 1000
      const elapsedS = t - c.lastT
      const wrapped = now < c.last && c.rangeUj !== null && c.rangeUj > 0
      const deltaUj = wrapped ? c.rangeUj! - c.last + now : now - c.last
      const step = judgeCounterStep(deltaUj / 1e6, elapsedS, MAX_RAPL_ZONE_POWER_W)
      if (step.kind === 'energy') c.totalUj += deltaUj
      else {
        // a reset or a jump the package cannot have drawn: the time since the last reading is a gap
        c.gapS += elapsedS
        c.faults.push(
          step.kind === 'backwards'
            ? `went back from ${c.last} to ${now} µJ (a reset)`
            : `stepped ${(deltaUj / 1e6).toFixed(0)} J in ${elapsedS.toFixed(2)} s${wrapped ? ' across a wrap' : ''}, beyond ${MAX_RAPL_ZONE_POWER_W} W`
        )
      }
      c.last = now
      c.lastT = t
    }
  }

  /** Reads the counters now, as the poll does (wrap-safe: a read only shortens the gap). */
  async refresh(): Promise<void> {
    this.poll()
    return Promise.resolve()
  }

  snapshot(): ComponentSnapshot[] {
    return this.counters.map((c) => ({ id: c.zone.id, energyJ: c.totalUj / 1e6 }))
  }

  async stop(): Promise<Component[]> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.poll()
    const end = performance.now() / 1000
    const span = end - this.t0
    return this.counters.map((c) => {
      const energyJ = c.totalUj / 1e6
      // unread since its last good reading (unreadable or garbage to the end): that time is a gap
      const tailS = c.readOk ? 0 : Math.max(0, end - c.lastT)
      const uncoveredS = c.gapS + tailS
      const coverage = span > 0 ? Math.max(0, Math.min(1, 1 - uncoveredS / span)) : 1
      const comp: Component = {
        id: c.zone.id,
        kind: c.zone.kind,
        name: c.zone.name,
        method: 'counter',
        source: 'rapl',
        energyJ,
        meanPowerW: span > 0 ? energyJ / span : null,
        samples: this.reads + 1,
        coverage
      }
      const notes: string[] = []
      const failure = this.failures.get(c.zone.id)
      if (failure)
        notes.push(
          tailS > 0
            ? `the counter could not be read for the last ${tailS.toFixed(1)} s (${failure}): not measured then`
            : `some readings failed (${failure}); the counter carried the energy across them`
        )
      if (c.faults.length > 0)
        notes.push(
          `${c.faults.length} implausible counter step(s) not counted, ${c.gapS.toFixed(1)} s uncovered: ${c.faults.slice(-2).join('; ')}`
        )
      if (notes.length > 0) comp.notes = notes
      return comp
    })
  }
}
