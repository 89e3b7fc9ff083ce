// NVIDIA GPUs through NVML's total-energy counter (nvmlDeviceGetTotalEnergyConsumption, mJ, Volta+),
// read by a small Python ctypes helper spawned once per window. Why a helper and not an FFI
// binding: docs/sensors.md. Protocol (one JSON object per line):
//   argv: the GPU UUIDs to read, in component order
//   hello: {"ok": true, "driver": str|null, "gpus": [{"uuid", "code", "error", "name", "powerLimitW"}]}
//          or {"ok": false, "code": int, "error": str} and exit 1
//   each stdin line -> {"mJ": [int|null per GPU]}; stdin closed -> nvmlShutdown, exit 0
import { performance } from 'node:perf_hooks'
import type { Component } from '../../core/types.js'
import type { NvidiaGpuInfo } from '../nvidia-smi/parse.js'
import type {
  ComponentSnapshot,
  EnergySensor,
  ProbeResult,
  SensorEnv,
  SensorProbe
} from '../sensor.js'
import type { NvidiaInventory } from '../nvidia-smi/sensor.js'
import { spawnLineProcess, withTimeout, type LineProcess } from '../../adapters/line-process.js'
import { NVML_HELPER } from './helper.js'
import { COUNTER_POLL_MIN_MS } from '../../core/measure/integrate.js'
import { computeMaxPlausiblePowerW, judgeCounterStep } from '../../core/measure/plausibility.js'

const NVML_ERROR_NOT_SUPPORTED = 3
const HELLO_TIMEOUT_MS = 15000
const READ_TIMEOUT_MS = 3000
/** NVML's counter does not wrap; polling only keeps snapshot() fresh, so no faster than this. */

interface Hello {
  ok: boolean
  code?: number
  error?: string
  driver?: string | null
  gpus?: {
    uuid: string
    code: number
    error: string | null
    name?: string | null
    powerLimitW?: number | null
  }[]
}

/** One running helper: request a reading, get the counters (mJ per GPU, null when unreadable). */
class Helper {
  private waiting: { resolve: (line: string) => void; reject: (e: Error) => void }[] = []
  private dead: Error | null = null
  readonly proc: LineProcess
  constructor(python: string, uuids: string[]) {
    this.proc = spawnLineProcess(
      python,
      ['-u', '-c', NVML_HELPER, ...uuids],
      (line) => this.waiting.shift()?.resolve(line),
      { stdin: true }
    )
    void this.proc.exited.then((e) => {
      const tail = this.proc.stderrTail()
      this.dead = new Error(
        `NVML helper exited (${e.error?.message ?? e.code ?? e.signal})${tail ? `: ${tail}` : ''}`
      )
      for (const w of this.waiting.splice(0)) w.reject(this.dead)
    })
  }
  next(): Promise<string> {
    if (this.dead) return Promise.reject(this.dead)
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }))
  }
  async hello(): Promise<Hello> {
    return JSON.parse(await withTimeout(this.next(), HELLO_TIMEOUT_MS, 'NVML helper')) as Hello
  }
  async read(): Promise<(number | null)[]> {
    const line = this.next()
    this.proc.send('')
    const r = JSON.parse(await withTimeout(line, READ_TIMEOUT_MS, 'NVML helper')) as {
      mJ: (number | null)[]
    }
    return r.mJ
  }
}

/** The NVML source for the GPUs nvidia-smi listed (NVML needs their UUIDs). */
export function createNvmlProbe(inventory: NvidiaInventory): SensorProbe {
  return { source: 'nvml', probe: (env) => createNvmlSensor(env, inventory) }
}

/** Checks that the helper runs and every selected GPU has an energy counter; else null and why. */
export async function createNvmlSensor(
  env: SensorEnv,
  inventory: NvidiaInventory
): Promise<ProbeResult> {
  const gpus = inventory.selection.selected
  if (gpus.length === 0) return { sensor: null, notices: [] }
  if (env.python === null)
    return { sensor: null, notices: ['NVML: no python interpreter configured; using nvidia-smi'] }
  if (gpus.some((g) => g.uuid === ''))
    return {
      sensor: null,
      notices: ['NVML needs GPU UUIDs, which nvidia-smi did not report; using nvidia-smi']
    }
  const helper = new Helper(
    env.python,
    gpus.map((g) => g.uuid)
  )
  try {
    const hello = await helper.hello()
    if (!hello.ok) {
      return {
        sensor: null,
        notices: [`NVML unavailable (${hello.error ?? `code ${hello.code}`}); using nvidia-smi`]
      }
    }
    const bad = (hello.gpus ?? []).filter((g) => g.code !== 0)
    if (bad.length > 0 || (hello.gpus ?? []).length !== gpus.length) {
      const why = bad
        .map(
          (g) =>
            `${g.uuid}: ${g.code === NVML_ERROR_NOT_SUPPORTED ? 'no total-energy counter (pre-Volta?)' : g.error}`
        )
        .join('; ')
      return {
        sensor: null,
        notices: [
          `NVML energy counter unavailable (${why || 'GPU list mismatch'}); using nvidia-smi`
        ]
      }
    }
    const limits = new Map((hello.gpus ?? []).map((g) => [g.uuid, g.powerLimitW ?? null]))
    return {
      sensor: new NvmlSensor(env, gpus, limits, inventory.selection.migOnParent),
      notices: []
    }
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    return {
      sensor: null,
      notices: [`NVML helper could not run with "${env.python}" (${why}); using nvidia-smi`]
    }
  } finally {
    await helper.proc.stop()
  }
}

class NvmlSensor implements EnergySensor {
  readonly source = 'nvml'
  private helper: Helper | null = null
  private base: number[] = []
  private latest: (number | null)[] = []
  /** per GPU: mJ counted, time (s) of its latest reading, seconds lost to refused steps, why */
  private countedMj: number[] = []
  private latestT: number[] = []
  private gapS: number[] = []
  private faults: string[][] = []
  private t0 = 0
  private timer: NodeJS.Timeout | null = null
  /** the reading in flight: requests are chained so that requests and replies never cross */
  private chain: Promise<void> = Promise.resolve()
  private polling = false
  private failed = false
  private reads = 0
  private lastReadT = 0
  private notes: string[] = []

  constructor(
    private readonly env: SensorEnv,
    private readonly gpus: NvidiaGpuInfo[],
    private readonly limits: Map<string, number | null>,
    private readonly migOnParent: Map<string, string[]>
  ) {}

  async start(): Promise<void> {
    this.notes = []
    this.reads = 0
    this.failed = false
    this.chain = Promise.resolve()
    const helper = new Helper(
      this.env.python!,
      this.gpus.map((g) => g.uuid)
    )
    this.helper = helper
    let first: (number | null)[] = this.gpus.map(() => null)
    try {
      const hello = await helper.hello()
      if (!hello.ok) throw new Error(hello.error ?? `code ${hello.code}`)
      first = await helper.read()
    } catch (error) {
      // The probe succeeded moments ago; say so loudly rather than fail the whole measurement.
      this.notes.push(
        `NVML helper failed at start: ${error instanceof Error ? error.message : String(error)}`
      )
    }
    this.t0 = performance.now() / 1000
    this.lastReadT = this.t0
    this.base = first.map((v) => v ?? NaN)
    this.latest = [...first]
    this.countedMj = first.map(() => 0)
    this.latestT = first.map(() => this.t0)
    this.gapS = first.map(() => 0)
    this.faults = first.map(() => [])
    this.timer = setInterval(
      () => void this.poll(),
      Math.max(COUNTER_POLL_MIN_MS, this.env.intervalMs)
    )
    this.timer.unref()
  }

  /** A timer tick: skipped while a reading is in flight (a refresh or the previous tick). */
  private async poll(): Promise<void> {
    if (this.polling) return
    this.polling = true
    await this.readNow()
    this.polling = false
  }

  /** Queues one reading after the one in flight; never rejects (a failure becomes a note). */
  private readNow(): Promise<void> {
    const next = this.chain.then(async () => {
      if (!this.helper || this.failed) return
      try {
        this.keep(await this.helper.read())
      } catch (error) {
        this.failed = true
        this.notes.push(
          `NVML read failed: ${error instanceof Error ? error.message : String(error)}`
        )
        if (this.timer) clearInterval(this.timer)
      }
    })
    this.chain = next
    return next
  }

  /** Asks the helper for the counters now and waits for them (a few ms). */
  refresh(): Promise<void> {
    return this.readNow()
  }

  private keep(values: (number | null)[]): void {
    this.reads++
    const t = performance.now() / 1000
    this.lastReadT = t
    values.forEach((v, i) => {
      if (v === null) return
      const before = this.latest[i]
      if (before !== null && before !== undefined && Number.isFinite(before)) {
        const elapsedS = t - this.latestT[i]!
        const maxW = computeMaxPlausiblePowerW(this.limits.get(this.gpus[i]!.uuid) ?? null)
        const step = judgeCounterStep((v - before) / 1000, elapsedS, maxW)
        if (step.kind === 'energy') this.countedMj[i]! += v - before
        else {
          // a driver reload resets the counter; a jump beyond the board's power is a garbled value
          this.gapS[i]! += elapsedS
          this.faults[i]!.push(
            step.kind === 'backwards'
              ? `went back from ${before} to ${v} mJ`
              : `stepped ${((v - before) / 1000).toFixed(0)} J in ${elapsedS.toFixed(2)} s, beyond ${maxW} W`
          )
        }
      }
      this.latest[i] = v
      this.latestT[i] = t
    })
  }

  snapshot(): ComponentSnapshot[] {
    return this.gpus.map((_, k) => ({ id: `gpu${k}`, energyJ: this.deltaJ(k) }))
  }

  private deltaJ(k: number): number {
    return (this.countedMj[k] ?? 0) / 1000
  }

  async stop(): Promise<Component[]> {
    if (this.timer) clearInterval(this.timer)
    const end = performance.now() / 1000
    const helper = this.helper
    if (helper) {
      await this.chain
      if (!this.failed) {
        try {
          this.keep(await helper.read())
        } catch (error) {
          this.notes.push(
            `final NVML read failed (${error instanceof Error ? error.message : String(error)}); energy up to the last reading`
          )
        }
      }
      await helper.proc.stop()
    }
    const span = end - this.t0
    return this.gpus.map((g, k) => {
      const energyJ = this.deltaJ(k)
      const notes = [...this.notes]
      const measured = Number.isFinite(this.base[k]!) && this.latest[k] !== null
      if (!measured) notes.push('the NVML energy counter gave no reading: not measured')
      if (this.faults[k]!.length > 0)
        notes.push(
          `${this.faults[k]!.length} impossible counter step(s) not counted, ${this.gapS[k]!.toFixed(1)} s uncovered: ${this.faults[k]!.slice(-2).join('; ')}`
        )
      const mig = this.migOnParent.get(g.uuid)
      if (mig) notes.push(`whole GPU measured for MIG devices ${mig.join(', ')}`)
      const c: Component = {
        id: `gpu${k}`,
        kind: 'gpu',
        name: g.name,
        method: 'counter',
        source: 'nvml',
        energyJ,
        meanPowerW: measured && span > 0 ? energyJ / span : null,
        powerLimitW: this.limits.get(g.uuid) ?? g.powerLimitW,
        samples: measured ? this.reads + 1 : 0,
        coverage: !measured
          ? 0
          : span > 0
            ? Math.min(1, Math.max(0, (this.lastReadT - this.t0 - this.gapS[k]!) / span))
            : 1,
        uuid: g.uuid,
        busId: g.busId
      }
      if (notes.length > 0) c.notes = notes
      return c
    })
  }
}
