// NVIDIA GPUs through nvidia-smi: ONE long-lived `--query-gpu=timestamp,index,<power> -lms N`
// process writing to a file read once a second (a pipe would wake Node for every line), each
// reading placed at nvidia-smi's own timestamp, power integrated over time. A tool without the
// `timestamp` field (a minimal emulator) writes `index,<power>` into a pipe instead, each reading
// placed at its arrival. The probe (GPU list, fields) lives in nvidia-smi-inventory.ts.
import { performance } from 'node:perf_hooks'
import type { Component } from '../../core/types.js'
import {
  parseNvidiaNumber,
  parseNvidiaTimestamp,
  splitCsvLine,
  type NvidiaGpuInfo
} from './parse.js'
import { computeMaxPlausiblePowerW, isPlausiblePower } from '../../core/measure/plausibility.js'
import type {
  ComponentSnapshot,
  EnergySensor,
  ProbeResult,
  SensorEnv,
  SensorProbe
} from '../sensor.js'
import { PowerTimeline, WallStampClock } from '../power-timeline.js'
import {
  spawnFileProcess,
  spawnLineProcess,
  type LineProcess
} from '../../adapters/line-process.js'
import type { NvidiaInventory } from './inventory.js'

export { listNvidiaGpus, type NvidiaInventory } from './inventory.js'

const MAX_RESTARTS = 3
const RESTART_DELAY_MS = 500
const FIRST_LINE_TIMEOUT_MS = 5000
const FIRST_POLL_MS = 20 // reads of the output file while start() waits for the first line,
const DRAIN_MS = 1000 // then

/** The running loop: a file read on demand (stamped lines) or a pipe (lines as they come). */
interface Reader {
  readonly exited: LineProcess['exited']
  stderrTail(): string
  drain(onLine: (line: string) => void): void
  dispose(onLine: (line: string) => void): void
  stop(): Promise<void>
}

/** The nvidia-smi source for the GPUs it listed. */
export function createNvidiaSmiProbe(inventory: NvidiaInventory): SensorProbe {
  return { source: 'nvidia-smi', probe: async (env) => createNvidiaSmiSensor(env, inventory) }
}

/** Builds the nvidia-smi sensor from an inventory, or says why there is none. */
export function createNvidiaSmiSensor(env: SensorEnv, inventory: NvidiaInventory): ProbeResult {
  if (inventory.all.length === 0) return { sensor: null, notices: ['nvidia-smi lists no GPU'] }
  if (inventory.selection.selected.length === 0) {
    return {
      sensor: null,
      notices: [`CUDA_VISIBLE_DEVICES="${env.cudaVisibleDevices}" hides every NVIDIA GPU`]
    }
  }
  if (inventory.powerField === null)
    return { sensor: null, notices: ['nvidia-smi cannot report power draw'] }
  return { sensor: new NvidiaSmiSensor(env, inventory, inventory.powerField), notices: [] }
}

class NvidiaSmiSensor implements EnergySensor {
  readonly source = 'nvidia-smi'
  private proc: Reader | null = null
  private timelines = new Map<number, PowerTimeline>()
  private stopping = false
  private restarts = 0
  private notes: string[] = []
  private firstLine: (() => void) | null = null
  private pendingFirst = new Set<number>()
  private timer: NodeJS.Timeout | null = null
  private clock = new WallStampClock(0)
  /** readings from the running process, and its last lines that were not readings (its errors) */
  private readings = 0
  private chatter: string[] = []

  constructor(
    private readonly env: SensorEnv,
    private readonly inventory: NvidiaInventory,
    private readonly powerField: string
  ) {}

  async start(): Promise<void> {
    const gpus = this.inventory.selection.selected
    this.timelines = new Map(
      gpus.map((g) => [g.index, new PowerTimeline(this.env.intervalMs / 1000)])
    )
    this.stopping = false
    this.restarts = 0
    this.notes = []
    this.clock = new WallStampClock(this.env.intervalMs / 1000)
    this.pendingFirst = new Set(gpus.map((g) => g.index))
    const ready = new Promise<void>((resolve) => (this.firstLine = resolve))
    this.spawn()
    this.poll(FIRST_POLL_MS)
    const timer = setTimeout(() => this.firstLine?.(), FIRST_LINE_TIMEOUT_MS)
    await ready
    clearTimeout(timer)
    if (this.pendingFirst.size > 0 && this.proc !== null) {
      this.notes.push(`no power reading within ${FIRST_LINE_TIMEOUT_MS} ms of starting nvidia-smi`)
    }
    this.poll(DRAIN_MS)
    const t0 = performance.now() / 1000
    for (const tl of this.timelines.values()) tl.open(t0)
  }

  private poll(ms: number): void {
    if (this.timer) clearInterval(this.timer)
    if (!this.inventory.timestamp) return // a pipe delivers by itself
    this.timer = setInterval(() => this.drain(this.proc), ms)
    this.timer.unref()
  }

  private open(args: string[]): Reader {
    if (this.inventory.timestamp) return spawnFileProcess(this.env.nvidiaSmi, args)
    const p = spawnLineProcess(this.env.nvidiaSmi, args, (line) => this.onLine(line))
    return { ...p, drain: () => undefined, dispose: () => undefined, stop: () => p.stop() }
  }

  private spawn(): void {
    const stamp = this.inventory.timestamp ? 'timestamp,' : ''
    const args = [
      `--query-gpu=${stamp}index,${this.powerField}`,
      '--format=csv,noheader,nounits',
      '-lms',
      String(this.env.intervalMs)
    ]
    let proc: Reader
    try {
      proc = this.open(args)
    } catch (e) {
      this.notes.push(`nvidia-smi not started (no temporary file?): ${(e as Error).message}`)
      this.firstLine?.()
      return
    }
    this.proc = proc
    this.readings = 0
    this.chatter = []
    void proc.exited.then((exit) => {
      if (this.stopping || this.proc !== proc) return
      this.drain(proc, true)
      this.proc = null
      const why = exit.error?.message ?? `exit ${exit.code ?? exit.signal}`
      const said = [...this.chatter, proc.stderrTail()].filter((t) => t !== '').join(' / ')
      if (this.readings === 0) {
        // it refuses these arguments (e.g. exit 2, "not a valid field"): the same again would too
        this.notes.push(
          `nvidia-smi ${args.join(' ')} stopped before any reading (${why}${said ? `: ${said}` : ''}); not restarted`
        )
        this.firstLine?.()
        return
      }
      if (this.restarts >= MAX_RESTARTS) {
        this.notes.push(
          `nvidia-smi stopped (${why}${said ? `: ${said}` : ''}); gave up after ${MAX_RESTARTS} restarts`
        )
        this.firstLine?.()
        return
      }
      this.restarts++
      this.notes.push(`nvidia-smi stopped (${why}) and was restarted; the gap lowers coverage`)
      setTimeout(() => {
        if (!this.stopping) this.spawn()
      }, RESTART_DELAY_MS).unref()
    })
  }

  /** Reads what the process wrote; `last`: all of it, then drops the file (a dead one's too). */
  private drain(proc: Reader | null, last = false): void {
    if (!proc || !this.inventory.timestamp) return
    this.clock.beginRead()
    const onLine = (line: string): void => this.onLine(line)
    try {
      if (last) proc.dispose(onLine)
      else proc.drain(onLine)
    } catch (e) {
      this.notes.push(`nvidia-smi output could not be read: ${(e as Error).message}`)
    }
    this.clock.endRead()
  }

  /**
   * `timestamp, index, watts`, placed at nvidia-smi's own time (no pipe or read delay), or
   * `index, watts` placed at its arrival through the pipe.
   */
  private onLine(line: string): void {
    const stamped = this.inventory.timestamp
    const cells = splitCsvLine(line, stamped ? 3 : 2)
    const index =
      cells && /^\d+$/.test(cells[stamped ? 1 : 0]!) ? Number(cells[stamped ? 1 : 0]) : -1
    const tl = this.timelines.get(index)
    if (!cells || !tl) {
      if (line.trim() !== '') this.chatter = [...this.chatter, line.trim()].slice(-3)
      return
    }
    this.readings++
    const t = stamped
      ? this.clock.place(parseNvidiaTimestamp(cells[0]), tl.latestT)
      : Math.max(performance.now() / 1000, (tl.latestT ?? 0) + 1e-6)
    const watts = parseNvidiaNumber(cells[stamped ? 2 : 1])
    if (watts !== null && !isPlausiblePower(watts, this.limitOf(index))) tl.refuse(watts)
    else tl.add(t, watts)
    if (this.pendingFirst.delete(index) && this.pendingFirst.size === 0) this.firstLine?.()
  }

  private limitOf(index: number): number | null {
    return this.inventory.selection.selected.find((g) => g.index === index)?.powerLimitW ?? null
  }

  /** Reads the file first (one pread, no wake-up of its own) so stamps of metric lines are exact. */
  snapshot(): ComponentSnapshot[] {
    this.drain(this.proc)
    return this.inventory.selection.selected.map((g, k) => ({
      id: `gpu${k}`,
      energyJ: this.timelines.get(g.index)?.energySoFar() ?? 0
    }))
  }

  /** What nvidia-smi wrote so far (the newest reading is at most one interval old). */
  async refresh(): Promise<void> {
    this.drain(this.proc)
    return Promise.resolve()
  }

  async stop(): Promise<Component[]> {
    const end = performance.now() / 1000
    this.stopping = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.proc?.stop()
    this.drain(this.proc, true)
    this.proc = null
    if (this.clock.unstamped > 0)
      this.notes.push(
        `${this.clock.unstamped} nvidia-smi readings had no usable timestamp (clock step?) and were placed one interval apart`
      )
    return this.inventory.selection.selected.map((g, k) =>
      this.describe(g, k, this.timelines.get(g.index)!, end)
    )
  }

  private describe(g: NvidiaGpuInfo, k: number, tl: PowerTimeline, end: number): Component {
    const migs = this.inventory.selection.migOnParent.get(g.uuid)
    const notes = [...this.notes]
    const na =
      tl.missing > 0 ? `${tl.missing} readings of ${this.powerField} were [N/A] or unreadable` : ''
    const base = {
      id: `gpu${k}`,
      kind: 'gpu' as const,
      name: g.name,
      method: 'power-integration' as const,
      source: 'nvidia-smi',
      powerLimitW: g.powerLimitW,
      ...(g.uuid ? { uuid: g.uuid } : {}),
      ...(g.busId ? { busId: g.busId } : {})
    }
    if (migs) notes.push(`whole GPU measured for MIG devices ${migs.join(', ')}`)
    if (tl.refused > 0)
      notes.push(
        `${tl.refused} readings refused as impossible for this GPU (up to ${tl.largestRefusedW} W, above ${computeMaxPlausiblePowerW(g.powerLimitW)} W): gaps, not energy`
      )
    if (tl.latestT === null) {
      // nothing to integrate: unmeasured, not a measured 0 J (the caller leaves it out of totals)
      notes.push(`nvidia-smi gave no power reading${na ? ` (${na})` : ''}: not measured`)
      return { ...base, energyJ: 0, meanPowerW: null, samples: 0, coverage: 0, notes }
    }
    const r = tl.finish(end)
    if (na) notes.push(na)
    if (r.samples === 0)
      notes.push(`no ${this.powerField} reading inside the window: the last one before it was held`)
    const c: Component = { ...base, ...r }
    if (notes.length > 0) c.notes = notes
    return c
  }
}
