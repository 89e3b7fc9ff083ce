// NVIDIA GPUs through nvidia-smi: ONE long-lived `--query-gpu ... -lms N` process, read line by
// line, power integrated over time. Also lists the GPUs for the NVML sensor and the host inventory.
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
  selectVisibleGpus,
  splitCsvLine,
  type GpuSelection,
  type NvidiaGpuInfo
} from '../core/nvidia-smi-csv.js'
import type { ComponentSnapshot, EnergySensor, SensorEnv, SensorProbe } from './sensor.js'
import { PowerTimeline } from './power-timeline.js'
import { spawnLineProcess, type LineProcess } from './line-process.js'

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
  private proc: LineProcess | null = null
  private timelines = new Map<number, PowerTimeline>()
  private stopping = false
  private restarts = 0
  private notes: string[] = []
  private firstLine: (() => void) | null = null
  private pendingFirst = new Set<number>()

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
    this.pendingFirst = new Set(gpus.map((g) => g.index))
    const ready = new Promise<void>((resolve) => (this.firstLine = resolve))
    this.spawn()
    const timer = setTimeout(() => this.firstLine?.(), FIRST_LINE_TIMEOUT_MS)
    await ready
    clearTimeout(timer)
    if (this.pendingFirst.size > 0) {
      this.notes.push(`no power reading within ${FIRST_LINE_TIMEOUT_MS} ms of starting nvidia-smi`)
    }
    const t0 = performance.now() / 1000
    for (const tl of this.timelines.values()) tl.open(t0)
  }

  private spawn(): void {
    const args = [
      `--query-gpu=index,${this.powerField}`,
      '--format=csv,noheader,nounits',
      '-lms',
      String(this.env.intervalMs)
    ]
    const proc = spawnLineProcess(this.env.nvidiaSmi, args, (line) => this.onLine(line))
    this.proc = proc
    void proc.exited.then((exit) => {
      if (this.stopping || this.proc !== proc) return
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

  private onLine(line: string): void {
    const cells = splitCsvLine(line, 2)
    if (!cells) return
    const index = Number(cells[0])
    const tl = this.timelines.get(index)
    if (!tl) return
    tl.add(performance.now() / 1000, parseNvidiaNumber(cells[1]))
    if (this.pendingFirst.delete(index) && this.pendingFirst.size === 0) this.firstLine?.()
  }

  snapshot(): ComponentSnapshot[] {
    const out: ComponentSnapshot[] = []
    this.inventory.selection.selected.forEach((g, k) => {
      out.push({ id: `gpu${k}`, energyJ: this.timelines.get(g.index)?.energySoFar() ?? 0 })
    })
    return out
  }

  async stop(): Promise<Component[]> {
    const end = performance.now() / 1000
    this.stopping = true
    await this.proc?.stop()
    const migs = this.inventory.selection.migOnParent
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
