// The estimate used when no CPU counter can be read: the model of src/core/estimate-model.ts fed
// with the host inventory (CPU model, logical CPUs, memory) and the host's CPU load sampled during
// the run from /proc/stat. Every component it returns says method "estimate" and names its model.
import { readFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { performance } from 'node:perf_hooks'
import { readCpuInventory } from '../adapters/host-inventory.js'
import {
  describeCpuModel,
  describeRamModel,
  estimateCpuPowerW,
  estimateRamPowerW
} from '../core/estimate-model.js'
import type { Component } from '../core/types.js'
import type { ComponentSnapshot, EnergySensor, SensorEnv, SensorProbe } from './sensor.js'

/** One load reading a second is plenty for a mean (the kernel's counters tick at 100 Hz). */
const MIN_LOAD_PERIOD_MS = 1000

interface EstimateHost {
  cpuName: string
  threads: number
  memoryGB: number
}

interface EstimateOptions {
  /** why the estimate is used, added to every component's notes */
  reason?: string
  /** reads the host's CPU load (0..100 %) since the previous call; /proc/stat by default */
  readLoad?: () => Promise<number>
}

export async function readEstimateHost(): Promise<EstimateHost> {
  const cpu = await readCpuInventory()
  return {
    cpuName: cpu.name === 'unknown CPU' ? 'CPU' : cpu.name,
    threads: cpu.threads,
    memoryGB: cpu.memoryBytes / 1024 ** 3
  }
}

interface CpuTicks {
  busy: number
  total: number
}

/**
 * All CPUs' busy and total time so far: user, nice, system and irq are busy; idle is not; iowait,
 * softirq and steal are left out of both, as the load joulegate has always modelled counted them.
 */
async function readCpuTicks(): Promise<CpuTicks> {
  const stat = await readFile('/proc/stat', 'utf8').catch(() => null)
  const line = stat?.split('\n', 1)[0]
  if (line?.startsWith('cpu ')) {
    const [user, nice, system, idle, , irq] = line.trim().split(/\s+/).slice(1).map(Number)
    const busy = user! + nice! + system! + (irq ?? 0)
    return { busy, total: busy + idle! }
  }
  // no /proc (not Linux): the same counters through Node
  return cpus().reduce(
    (sum, c) => {
      const busy = c.times.user + c.times.nice + c.times.sys + c.times.irq
      return { busy: sum.busy + busy, total: sum.total + busy + c.times.idle }
    },
    { busy: 0, total: 0 }
  )
}

/** A load reader: the host's CPU load in % since its previous call (since boot on the first). */
function createLoadReader(): () => Promise<number> {
  let last: CpuTicks = { busy: 0, total: 0 }
  return async () => {
    const now = await readCpuTicks()
    const dTotal = now.total - last.total
    const load = dTotal > 0 ? (100 * (now.busy - last.busy)) / dTotal : 0
    last = now
    return load
  }
}

export function createEstimateProbe(options: EstimateOptions = {}): SensorProbe {
  return {
    source: 'estimate',
    async probe(env) {
      const host = await readEstimateHost()
      return { sensor: new EstimateSensor(env, host, options), notices: [] }
    }
  }
}

export class EstimateSensor implements EnergySensor {
  readonly source = 'estimate'
  private cpuJ = 0
  private ramJ = 0
  private lastT = 0
  private t0 = 0
  private loadSum = 0
  private samples = 0
  private timer: NodeJS.Timeout | null = null
  private busy: Promise<void> | null = null
  private readonly readLoad: () => Promise<number>

  constructor(
    private readonly env: SensorEnv,
    private readonly host: EstimateHost,
    private readonly options: EstimateOptions = {}
  ) {
    this.readLoad = options.readLoad ?? createLoadReader()
  }

  async start(): Promise<void> {
    this.cpuJ = 0
    this.ramJ = 0
    this.loadSum = 0
    this.samples = 0
    await this.readLoad() // primes the load counters: the next reading covers this window only
    this.t0 = performance.now() / 1000
    this.lastT = this.t0
    this.timer = setInterval(
      () => void this.sample().catch(() => undefined),
      Math.max(MIN_LOAD_PERIOD_MS, this.env.intervalMs)
    )
    this.timer.unref()
  }

  /** The load is the mean over [lastT, now]; with a linear model that makes each step exact. */
  private sample(): Promise<void> {
    if (this.busy) return this.busy
    this.busy = (async () => {
      try {
        const load = (await this.readLoad()) / 100
        const now = performance.now() / 1000
        const dt = now - this.lastT
        this.cpuJ += estimateCpuPowerW(this.host.threads, load) * dt
        this.ramJ += estimateRamPowerW(this.host.memoryGB) * dt
        this.loadSum += load * dt
        this.samples++
        this.lastT = now
      } finally {
        this.busy = null
      }
    })()
    return this.busy
  }

  /** Samples the load now (one read of /proc/stat: cheap); a failure keeps the last step. */
  async refresh(): Promise<void> {
    if (this.t0 === 0) return
    await this.sample().catch(() => undefined)
  }

  snapshot(): ComponentSnapshot[] {
    return [
      { id: 'cpu0', energyJ: this.cpuJ },
      { id: 'ram', energyJ: this.ramJ }
    ]
  }

  async stop(): Promise<Component[]> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.sample().catch(() => undefined)
    const span = this.lastT - this.t0
    const meanLoad = span > 0 ? this.loadSum / span : 0
    const notes = [
      ...(this.options.reason ? [this.options.reason] : []),
      `estimated from a model, not measured; mean host CPU load ${(meanLoad * 100).toFixed(1)} %`
    ]
    const base = { method: 'estimate' as const, source: 'estimate', samples: this.samples, notes }
    return [
      {
        ...base,
        id: 'cpu0',
        kind: 'cpu',
        name: this.host.cpuName,
        energyJ: this.cpuJ,
        meanPowerW: span > 0 ? this.cpuJ / span : null,
        model: describeCpuModel(this.host.threads)
      },
      {
        ...base,
        id: 'ram',
        kind: 'ram',
        name: `RAM ${this.host.memoryGB.toFixed(1)} GB`,
        energyJ: this.ramJ,
        meanPowerW: span > 0 ? this.ramJ / span : null,
        model: describeRamModel(this.host.memoryGB)
      }
    ]
  }
}
