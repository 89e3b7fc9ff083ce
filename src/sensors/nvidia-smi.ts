// NVIDIA GPUs through nvidia-smi: ONE long-lived `--query-gpu=timestamp,index,<power> -lms N`
// process writing to a file read once a second (a pipe would wake Node for every line), each
// reading placed at nvidia-smi's own timestamp, power integrated over time. Also lists the GPUs
// for the NVML sensor and the host inventory.
import { execFile } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import type { Component } from '../core/types.js'
import {
  chooseLimitField,
  choosePowerField,
  parseGpuListCsv,
  parseHelpQueryGpu,
  parseMigParents,
  parseNvidiaNumber,
  parseNvidiaTimestamp,
  selectVisibleGpus,
  splitCsvLine,
  type GpuSelection,
  type NvidiaGpuInfo
} from '../core/nvidia-smi-csv.js'
import type { ComponentSnapshot, EnergySensor, SensorEnv, SensorProbe } from './sensor.js'
import { PowerTimeline, WallStampClock } from './power-timeline.js'
import { spawnFileProcess, type FileProcess } from './line-process.js'

/** What the probe learnt once; shared with the NVML sensor so nvidia-smi is asked only once. */
export interface NvidiaInventory {
  all: NvidiaGpuInfo[]
  selection: GpuSelection
  powerField: string | null
  driver: string | null
}

const MAX_RESTARTS = 3
const RESTART_DELAY_MS = 500
const FIRST_LINE_TIMEOUT_MS = 5000
const FIRST_POLL_MS = 20 // reads of the output file while start() waits for the first line,
const DRAIN_MS = 1000 // then

interface RunResult {
  stdout: string
  stderr: string
  code: number | string | null
}

function run(file: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: 15000, maxBuffer: 4 << 20, windowsHide: true },
      (error, stdout, stderr) => {
        const code = error ? ((error as NodeJS.ErrnoException).code ?? null) : 0
        resolve({
          stdout: String(stdout),
          stderr: String(stderr),
          code: code as number | string | null
        })
      }
    )
  })
}

function describeFailure(env: SensorEnv, args: string[], r: RunResult): string {
  const out = (r.stdout + '\n' + r.stderr).trim().split(/\r?\n/).slice(0, 3).join(' / ')
  return `nvidia-smi (${env.nvidiaSmi} ${args.join(' ')}) failed with ${r.code}${out ? `: ${out}` : ''}`
}

/** Lists NVIDIA GPUs and the visible selection; null (with the reason) when nvidia-smi is absent or fails. */
export async function listNvidiaGpus(
  env: SensorEnv
): Promise<{ inventory: NvidiaInventory | null; notices: string[] }> {
  const help = await run(env.nvidiaSmi, ['--help-query-gpu'])
  if (help.code === 'ENOENT') {
    return {
      inventory: null,
      notices: [
        `nvidia-smi not found ("${env.nvidiaSmi}", set JOULEGATE_NVIDIA_SMI): no NVIDIA GPU measured`
      ]
    }
  }
  if (help.code !== 0)
    return { inventory: null, notices: [describeFailure(env, ['--help-query-gpu'], help)] }
  const fields = parseHelpQueryGpu(help.stdout)
  const limitField = chooseLimitField(fields)
  const query = [
    'index',
    'uuid',
    'pci.bus_id',
    'driver_version',
    ...(limitField ? [limitField] : []),
    'name'
  ]
  const args = [`--query-gpu=${query.join(',')}`, '--format=csv']
  const list = await run(env.nvidiaSmi, args)
  if (list.code !== 0) return { inventory: null, notices: [describeFailure(env, args, list)] }
  const all = parseGpuListCsv(list.stdout)
  const notices: string[] = []
  let migParents = new Map<string, string>()
  if (/(^|,)\s*MIG-(?!GPU-)/.test(env.cudaVisibleDevices ?? '')) {
    const l = await run(env.nvidiaSmi, ['-L'])
    if (l.code === 0) migParents = parseMigParents(l.stdout)
    else notices.push(describeFailure(env, ['-L'], l))
  }
  const selection = selectVisibleGpus(all, env.cudaVisibleDevices, migParents, env.cudaDeviceOrder)
  notices.push(...selection.notes)
  const powerField = choosePowerField(fields)
  if (powerField === null) notices.push('nvidia-smi --help-query-gpu lists no power.draw field')
  return {
    inventory: { all, selection, powerField, driver: all[0]?.driver ?? null },
    notices
  }
}

/** Builds the nvidia-smi sensor from an inventory, or says why there is none. */
export function createNvidiaSmiSensor(
  env: SensorEnv,
  inventory: NvidiaInventory
): { sensor: EnergySensor | null; notices: string[] } {
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

export const nvidiaSmiProbe: SensorProbe = {
  source: 'nvidia-smi',
  async probe(env) {
    const { inventory, notices } = await listNvidiaGpus(env)
    if (!inventory) return { sensor: null, notices }
    const made = createNvidiaSmiSensor(env, inventory)
    return { sensor: made.sensor, notices: [...notices, ...made.notices] }
  }
}

class NvidiaSmiSensor implements EnergySensor {
  readonly source = 'nvidia-smi'
  private proc: FileProcess | null = null
  private timelines = new Map<number, PowerTimeline>()
  private stopping = false
  private restarts = 0
  private notes: string[] = []
  private firstLine: (() => void) | null = null
  private pendingFirst = new Set<number>()
  private timer: NodeJS.Timeout | null = null
  private clock = new WallStampClock(0)

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
    if (this.pendingFirst.size > 0) {
      this.notes.push(`no power reading within ${FIRST_LINE_TIMEOUT_MS} ms of starting nvidia-smi`)
    }
    this.poll(DRAIN_MS)
    const t0 = performance.now() / 1000
    for (const tl of this.timelines.values()) tl.open(t0)
  }

  private poll(ms: number): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = setInterval(() => this.drain(this.proc), ms)
    this.timer.unref()
  }

  private spawn(): void {
    const args = [
      `--query-gpu=timestamp,index,${this.powerField}`,
      '--format=csv,noheader,nounits',
      '-lms',
      String(this.env.intervalMs)
    ]
    let proc: FileProcess
    try {
      proc = spawnFileProcess(this.env.nvidiaSmi, args)
    } catch (e) {
      this.notes.push(`nvidia-smi not started (no temporary file?): ${(e as Error).message}`)
      this.firstLine?.()
      return
    }
    this.proc = proc
    void proc.exited.then((exit) => {
      if (this.stopping || this.proc !== proc) return
      this.drain(proc, true)
      this.proc = null
      const why = exit.error?.message ?? `exit ${exit.code ?? exit.signal}`
      const tail = proc.stderrTail()
      if (this.restarts >= MAX_RESTARTS) {
        this.notes.push(
          `nvidia-smi stopped (${why}${tail ? `: ${tail}` : ''}); gave up after ${MAX_RESTARTS} restarts`
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
  private drain(proc: FileProcess | null, last = false): void {
    if (!proc) return
    this.clock.beginRead()
    const onLine = (line: string): void => this.onLine(line)
    if (last) proc.dispose(onLine)
    else proc.drain(onLine)
    this.clock.endRead()
  }

  /** `timestamp, index, watts`, placed at nvidia-smi's own time: no pipe or read delay. */
  private onLine(line: string): void {
    const cells = splitCsvLine(line, 3)
    if (!cells) return
    const index = Number(cells[1])
    const tl = this.timelines.get(index)
    if (!tl) return
    tl.add(
      this.clock.place(parseNvidiaTimestamp(cells[0]), tl.latestT),
      parseNvidiaNumber(cells[2])
    )
    if (this.pendingFirst.delete(index) && this.pendingFirst.size === 0) this.firstLine?.()
  }

  /** Reads the file first (one pread, no wake-up of its own) so stamps of metric lines are exact. */
  snapshot(): ComponentSnapshot[] {
    this.drain(this.proc)
    return this.inventory.selection.selected.map((g, k) => ({
      id: `gpu${k}`,
      energyJ: this.timelines.get(g.index)?.energySoFar() ?? 0
    }))
  }

  async stop(): Promise<Component[]> {
    const end = performance.now() / 1000
    this.stopping = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.proc?.stop()
    this.drain(this.proc, true)
    this.proc = null
    const migs = this.inventory.selection.migOnParent
    if (this.clock.unstamped > 0)
      this.notes.push(
        `${this.clock.unstamped} nvidia-smi readings had no usable timestamp (clock step?) and were placed one interval apart`
      )
    return this.inventory.selection.selected.map((g, k) => {
      const tl = this.timelines.get(g.index)!
      const r = tl.finish(end)
      const notes = [...this.notes]
      if (tl.missing > 0)
        notes.push(`${tl.missing} readings of ${this.powerField} were [N/A] or unreadable`)
      if (r.samples === 0)
        notes.push(`no ${this.powerField} reading in the window: energy unknown, reported as 0`)
      if (migs.has(g.uuid))
        notes.push(`whole GPU measured for MIG devices ${migs.get(g.uuid)!.join(', ')}`)
      const c: Component = {
        id: `gpu${k}`,
        kind: 'gpu',
        name: g.name,
        method: 'power-integration',
        source: 'nvidia-smi',
        energyJ: r.energyJ,
        meanPowerW: r.meanPowerW,
        powerLimitW: g.powerLimitW,
        samples: r.samples,
        coverage: r.coverage,
        uuid: g.uuid,
        busId: g.busId
      }
      if (notes.length > 0) c.notes = notes
      return c
    })
  }
}
