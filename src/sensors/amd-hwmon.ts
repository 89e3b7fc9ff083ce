// AMD GPUs through the amdgpu hwmon interface: power1_average or power1_input (µW), whichever
// the card exposes, sampled and integrated over time.
import { readdirSync, readFileSync, realpathSync } from 'node:fs'
import { basename, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseSysfsInteger } from '../core/rapl-zones.js'
import type { Component } from '../core/types.js'
import type { ComponentSnapshot, EnergySensor, SensorEnv, SensorProbe } from './sensor.js'
import { PowerTimeline } from './power-timeline.js'

interface AmdGpu {
  hwmon: string
  powerFile: string
  name: string
  busId: string | null
  powerLimitW: number | null
}

function tryRead(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim()
  } catch {
    return null
  }
}

/** Lists amdgpu hwmon devices that report power, ordered by PCI address. */
export function listAmdGpus(sysfsRoot: string): AmdGpu[] {
  const base = join(sysfsRoot, 'class', 'hwmon')
  let entries: string[]
  try {
    entries = readdirSync(base).filter((e) => /^hwmon\d+$/.test(e))
  } catch {
    return []
  }
  const gpus: AmdGpu[] = []
  for (const entry of entries) {
    const dir = join(base, entry)
    if (tryRead(join(dir, 'name')) !== 'amdgpu') continue
    const powerFile = ['power1_average', 'power1_input']
      .map((f) => join(dir, f))
      .find((f) => tryRead(f) !== null)
    if (!powerFile) continue
    let busId: string | null
    try {
      busId = basename(realpathSync(join(dir, 'device')))
    } catch {
      busId = null
    }
    const cap = parseSysfsInteger(tryRead(join(dir, 'power1_cap')) ?? '')
    gpus.push({
      hwmon: dir,
      powerFile,
      name: tryRead(join(dir, 'device', 'product_name')) || 'AMD GPU (hwmon)',
      busId,
      powerLimitW: cap === null ? null : cap / 1e6
    })
  }
  return gpus.sort((a, b) => (a.busId ?? a.hwmon).localeCompare(b.busId ?? b.hwmon))
}

/** `firstIndex`: component ids continue after the NVIDIA GPUs (gpu0.. are taken by them). */
export function createAmdHwmonProbe(firstIndex = 0): SensorProbe {
  return {
    source: 'amd-hwmon',
    async probe(env) {
      const gpus = listAmdGpus(env.sysfsRoot)
      if (gpus.length === 0) return { sensor: null, notices: [] }
      return { sensor: new AmdHwmonSensor(env, gpus, firstIndex), notices: [] }
    }
  }
}

export const amdHwmonProbe: SensorProbe = createAmdHwmonProbe(0)

class AmdHwmonSensor implements EnergySensor {
  readonly source = 'amd-hwmon'
  private timelines: PowerTimeline[] = []
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly env: SensorEnv,
    private readonly gpus: AmdGpu[],
    private readonly firstIndex: number
  ) {}

  async start(): Promise<void> {
    this.timelines = this.gpus.map(() => new PowerTimeline(this.env.intervalMs / 1000))
    this.poll()
    const t0 = performance.now() / 1000
    for (const tl of this.timelines) tl.open(t0)
    this.timer = setInterval(() => this.poll(), this.env.intervalMs)
    this.timer.unref()
  }

  private poll(): void {
    const t = performance.now() / 1000
    this.gpus.forEach((g, i) => {
      const uw = parseSysfsInteger(tryRead(g.powerFile) ?? '')
      this.timelines[i]!.add(t, uw === null ? null : uw / 1e6)
    })
  }

  /** Samples power now, so the running energy reaches this instant. */
  async refresh(): Promise<void> {
    if (this.timelines.length > 0) this.poll()
    return Promise.resolve()
  }

  snapshot(): ComponentSnapshot[] {
    return this.gpus.map((_, i) => ({
      id: `gpu${this.firstIndex + i}`,
      energyJ: this.timelines[i]?.energySoFar() ?? 0
    }))
  }

  async stop(): Promise<Component[]> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.poll()
    const end = performance.now() / 1000
    return this.gpus.map((g, i) => {
      const tl = this.timelines[i]!
      const r = tl.finish(end)
      const measured = tl.latestT !== null
      const c: Component = {
        id: `gpu${this.firstIndex + i}`,
        kind: 'gpu',
        name: g.name,
        method: 'power-integration',
        source: 'amd-hwmon',
        energyJ: measured ? r.energyJ : 0,
        meanPowerW: measured ? r.meanPowerW : null,
        powerLimitW: g.powerLimitW,
        samples: measured ? r.samples : 0,
        coverage: measured ? r.coverage : 0
      }
      if (g.busId) c.busId = g.busId
      const notes: string[] = []
      if (tl.missing > 0) notes.push(`${tl.missing} readings of ${basename(g.powerFile)} failed`)
      if (!measured) notes.push(`${basename(g.powerFile)} gave no power reading: not measured`)
      if (notes.length > 0) c.notes = notes
      return c
    })
  }
}
