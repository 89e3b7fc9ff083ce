// CPU packages and their DRAM through Linux powercap RAPL counters (energy_uj, µJ, wrapping at
// max_energy_range_uj). Intel and, on recent kernels, AMD both appear as intel-rapl zones.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { counterDelta } from '../core/integrate.js'
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
      counters.push({ zone, file, rangeUj, last: first, totalUj: 0 })
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
    for (const c of this.counters) {
      c.totalUj = 0
      c.last = this.readCounter(c) ?? c.last
    }
    this.t0 = performance.now() / 1000
    this.timer = setInterval(() => this.poll(), this.pollMs)
    this.timer.unref()
  }

  private readCounter(c: Counter): number | null {
    try {
      return parseSysfsInteger(readFileSync(c.file, 'utf8'))
    } catch (error) {
      this.failures.set(c.zone.id, `${c.file}: ${errorCode(error)}`)
      return null
    }
  }

  private poll(): void {
    this.reads++
    for (const c of this.counters) {
      const now = this.readCounter(c)
      if (now === null) continue
      c.totalUj += counterDelta(c.last, now, c.rangeUj)
      c.last = now
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
    const span = performance.now() / 1000 - this.t0
    return this.counters.map((c) => {
      const energyJ = c.totalUj / 1e6
      const comp: Component = {
        id: c.zone.id,
        kind: c.zone.kind,
        name: c.zone.name,
        method: 'counter',
        source: 'rapl',
        energyJ,
        meanPowerW: span > 0 ? energyJ / span : null,
        samples: this.reads + 1,
        coverage: 1
      }
      const failure = this.failures.get(c.zone.id)
      if (failure)
        comp.notes = [
          `some readings failed (${failure}); the counter carried the energy across them`
        ]
      return comp
    })
  }
}
