// An emulated GPU cluster's exporters: per node, NVIDIA's DCGM exporter (/metrics with
// DCGM_FI_DEV_POWER_USAGE and DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION, label set of dcgm-exporter
// 3.x: gpu, UUID, pci_bus_id, device, modelName, Hostname, DCGM_FI_DRIVER_VERSION, and hpc_job
// with the HPC job mapping) and node exporter's rapl collector (node_rapl_<zone>_joules_total
// with index and path). HELP/TYPE lines are the exporters' own (dcgm-exporter's
// default-counters.csv, node_exporter collector/rapl_linux.go). Each device draws a known power,
// so the energy of any window is known exactly: the ground truth the measurement is held to.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface EmulatedGpu {
  gpu: number
  modelName: string
  /** mean power in watts */
  powerW: number
  /** a sinusoidal swing around the mean (W) and its period (s): training is not flat */
  swingW?: number
  periodS?: number
}

export interface EmulatedNode {
  hostname: string
  gpus: EmulatedGpu[]
  packageW?: number
  dramW?: number
  hpcJob?: string
}

/** energy in joules of a device drawing p + swing·sin(2πt/period) from 0 to t */
function integral(p: number, swing: number, period: number, t: number): number {
  if (swing === 0) return p * t
  const w = (2 * Math.PI) / period
  return p * t + (swing / w) * (1 - Math.cos(w * t))
}

interface NodeState {
  node: EmulatedNode
  /** the counters' zero, seconds since the epoch (an exporter restart that resets counters moves it) */
  originS: number
  /** the counter value carried over (driver-level counters survive an exporter restart) */
  dcgm: Server | null
  rapl: Server | null
  dcgmPort: number
  raplPort: number
  goneAtS: number | null
  /** when Prometheus last read this node's DCGM exporter: what a vanished node could still show */
  lastDcgmScrapeS: number | null
}

const nowS = (): number => Date.now() / 1000

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return (server.address() as AddressInfo).port
}

const close = (server: Server | null): Promise<void> =>
  new Promise((resolve) => {
    if (!server) return resolve()
    server.closeAllConnections()
    server.close(() => resolve())
  })

export class ClusterExporter {
  private readonly nodes = new Map<string, NodeState>()
  /** the epoch all powers count from: the swing's phase is shared by every device */
  readonly epochS = nowS()

  static async start(nodes: EmulatedNode[]): Promise<ClusterExporter> {
    const exporter = new ClusterExporter()
    for (const node of nodes) {
      const state: NodeState = {
        node,
        originS: exporter.epochS,
        dcgm: null,
        rapl: null,
        dcgmPort: 0,
        raplPort: 0,
        goneAtS: null,
        lastDcgmScrapeS: null
      }
      exporter.nodes.set(node.hostname, state)
      await exporter.serve(state)
    }
    return exporter
  }

  private async serve(state: NodeState, ports?: { dcgm: number; rapl: number }): Promise<void> {
    state.dcgm = createServer((_req, res) => {
      state.lastDcgmScrapeS = nowS()
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
      res.end(this.dcgmText(state))
    })
    state.rapl = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
      res.end(this.raplText(state))
    })
    state.dcgmPort = await listen(state.dcgm, ports?.dcgm)
    state.raplPort = await listen(state.rapl, ports?.rapl)
  }

  /** scrape targets, as host:port, per exporter kind */
  targets(): { dcgm: string[]; rapl: { target: string; hostname: string }[] } {
    const all = [...this.nodes.values()]
    return {
      dcgm: all.map((s) => `127.0.0.1:${s.dcgmPort}`),
      rapl: all.map((s) => ({ target: `127.0.0.1:${s.raplPort}`, hostname: s.node.hostname }))
    }
  }

  private gpuPower(g: EmulatedGpu, t: number): number {
    const swing = g.swingW ?? 0
    const period = g.periodS ?? 10
    return g.powerW + swing * Math.sin((2 * Math.PI * (t - this.epochS)) / period)
  }

  /** when the node's DCGM exporter was last scraped (seconds since the epoch), or null */
  lastScrapeS(hostname: string): number | null {
    return this.nodes.get(hostname)!.lastDcgmScrapeS
  }

  /** the GPU's energy in joules between two instants (seconds since the epoch), while its node existed */
  gpuEnergyJ(hostname: string, gpu: number, fromS: number, toS: number): number {
    const s = this.nodes.get(hostname)!
    const g = s.node.gpus.find((x) => x.gpu === gpu)!
    const end = Math.min(toS, s.goneAtS ?? Infinity)
    if (end <= fromS) return 0
    const at = (t: number) => integral(g.powerW, g.swingW ?? 0, g.periodS ?? 10, t - this.epochS)
    return at(end) - at(fromS)
  }

  clusterGpuEnergyJ(fromS: number, toS: number): number {
    let sum = 0
    for (const s of this.nodes.values())
      for (const g of s.node.gpus) sum += this.gpuEnergyJ(s.node.hostname, g.gpu, fromS, toS)
    return sum
  }

  private counterMj(s: NodeState, g: EmulatedGpu, t: number): number {
    const at = (x: number) => integral(g.powerW, g.swingW ?? 0, g.periodS ?? 10, x - this.epochS)
    return Math.floor((at(t) - at(s.originS)) * 1000)
  }

  private dcgmText(s: NodeState): string {
    const t = nowS()
    const labels = (g: EmulatedGpu): string => {
      const uuid = uuidOf(s.node.hostname, g.gpu)
      const bus = `00000000:${(0x07 + g.gpu * 8).toString(16).toUpperCase().padStart(2, '0')}:00.0`
      const job = s.node.hpcJob ? `,hpc_job="${s.node.hpcJob}"` : ''
      return `{gpu="${g.gpu}",UUID="${uuid}",pci_bus_id="${bus}",device="nvidia${g.gpu}",modelName="${g.modelName}",Hostname="${s.node.hostname}",DCGM_FI_DRIVER_VERSION="535.104.05"${job}}`
    }
    const lines = [
      '# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).',
      '# TYPE DCGM_FI_DEV_POWER_USAGE gauge',
      ...s.node.gpus.map(
        (g) => `DCGM_FI_DEV_POWER_USAGE${labels(g)} ${this.gpuPower(g, t).toFixed(3)}`
      ),
      '# HELP DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION Total energy consumption since boot (in mJ).',
      '# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter',
      ...s.node.gpus.map(
        (g) => `DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION${labels(g)} ${this.counterMj(s, g, t)}`
      )
    ]
    return `${lines.join('\n')}\n`
  }

  private raplText(s: NodeState): string {
    const elapsed = nowS() - this.epochS
    const zones: [string, number, string][] = [
      ['package', s.node.packageW ?? 0, '/sys/devices/virtual/powercap/intel-rapl/intel-rapl:0'],
      [
        'dram',
        s.node.dramW ?? 0,
        '/sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/intel-rapl:0:0'
      ]
    ]
    return `${zones
      .flatMap(([zone, w, path]) => [
        `# HELP node_rapl_${zone}_joules_total Current RAPL ${zone} value in joules`,
        `# TYPE node_rapl_${zone}_joules_total counter`,
        `node_rapl_${zone}_joules_total{index="0",path="${path}"} ${(w * elapsed).toFixed(6)}`
      ])
      .join('\n')}\n`
  }

  /** the DCGM exporter restarts after `downMs` with its counters at zero (a driver reload) */
  async restart(hostname: string, downMs: number): Promise<void> {
    const s = this.nodes.get(hostname)!
    const ports = { dcgm: s.dcgmPort, rapl: s.raplPort }
    await Promise.all([close(s.dcgm), close(s.rapl)])
    await new Promise((r) => setTimeout(r, downMs))
    s.originS = nowS()
    await this.serve(s, ports)
  }

  /** the node leaves the job for good (a crash, a preemption): its exporters stop answering */
  async vanish(hostname: string): Promise<void> {
    const s = this.nodes.get(hostname)!
    s.goneAtS = nowS()
    await Promise.all([close(s.dcgm), close(s.rapl)])
    s.dcgm = null
    s.rapl = null
  }

  async stop(): Promise<void> {
    await Promise.all([...this.nodes.values()].flatMap((s) => [close(s.dcgm), close(s.rapl)]))
  }
}

export function uuidOf(hostname: string, gpu: number): string {
  const hex = Buffer.from(`${hostname}-${gpu}`).toString('hex').padEnd(32, '0').slice(0, 32)
  return `GPU-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}
