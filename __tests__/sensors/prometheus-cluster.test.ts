// A 2-node × 2-GPU job measured through a REAL Prometheus server that scrapes emulated DCGM and
// node exporters every second: accuracy against the exporters' known power, the preflight, the
// double-count rule, a counter reset and a node that leaves mid-run.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { openFolderStore } from '../../src/adapters/store/folder-backend.js'
import { parseSettings } from '../../src/core/settings.js'
import { runCheck } from '../../src/usecases/check.js'
import type { CheckResult } from '../../src/usecases/result-file.js'
import { openClusterSource } from '../../src/usecases/cluster-source.js'
import { runMeasurement } from '../../src/usecases/run-measurement.js'
import {
  createPrometheusClient,
  createPrometheusSensor,
  inspectCluster
} from '../../src/sensors/prometheus/source.js'
import type { EnergySensor } from '../../src/sensors/sensor.js'
import { ClusterExporter, uuidOf, type EmulatedNode } from '../helpers/cluster-exporter.js'
import {
  requirePrometheus,
  startPrometheus,
  waitForTargets,
  type RunningPrometheus
} from '../helpers/prometheus-server.js'
import { FAKE_NVIDIA_SMI, writeWrapper } from './fake-tools.js'
import { buildSysfs } from './sysfs-tree.js'
import { readRunEnv } from '../../src/usecases/run-env.js'

const bin = requirePrometheus('cluster energy (Prometheus)')
const suite = bin ? describe : describe.skip
const A100 = 'NVIDIA A100-SXM4-80GB'
const NODES: EmulatedNode[] = [
  {
    hostname: 'gpu-node-01',
    hpcJob: '4242',
    gpus: [
      { gpu: 0, modelName: A100, powerW: 300, swingW: 40, periodS: 8 },
      { gpu: 1, modelName: A100, powerW: 250 }
    ],
    packageW: 120,
    dramW: 20
  },
  {
    hostname: 'gpu-node-02',
    hpcJob: '4242',
    gpus: [
      { gpu: 0, modelName: A100, powerW: 200 },
      { gpu: 1, modelName: A100, powerW: 350 }
    ],
    packageW: 100,
    dramW: 15
  }
]
const SELECTOR = 'Hostname=~"gpu-node-0[1-2]"'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const nowS = () => Date.now() / 1000

let exporter: ClusterExporter
let prom: RunningPrometheus
const dir = mkdtempSync(join(tmpdir(), 'jg-cluster-'))
// the runner's own RAPL counter stays put, so the runner adds exactly 0 J beside the cluster
const sysfs = buildSysfs({
  powercap: [{ entry: 'intel-rapl:0', name: 'package-0', energyUj: 1000, rangeUj: 262143328850 }]
})
const runnerEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env['PATH'],
  JOULEGATE_NVIDIA_SMI: join(dir, 'no-nvidia-smi'),
  JOULEGATE_SYSFS_ROOT: sysfs.root,
  JOULEGATE_PYTHON: 'none'
})

suite('cluster energy through a real Prometheus', () => {
  beforeAll(async () => {
    exporter = await ClusterExporter.start(NODES)
    const t = exporter.targets()
    prom = await startPrometheus(bin!, [
      { job: 'dcgm-exporter', targets: t.dcgm },
      ...t.rapl.map((r) => ({
        job: 'node-exporter',
        targets: [r.target],
        labels: { Hostname: r.hostname }
      }))
    ])
    await waitForTargets(prom.url, 4)
    await sleep(1500) // a few samples before the first window
  }, 40_000)

  afterAll(async () => {
    await prom?.stop()
    await exporter?.stop()
    sysfs.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads every GPU and node package of the job within 2% of the exporters, in at most 5 queries', async () => {
    const settings = { url: prom.url, selector: SELECTOR, token: null }
    const client = createPrometheusClient(settings)
    const inventory = await inspectCluster(client, settings)
    expect(inventory).toMatchObject({ gpuSeries: 4, raplSeries: 4, intervalS: 1 })
    const sensor = createPrometheusSensor(client, settings, inventory)
    await sensor.start()
    await sensor.refresh!()
    const t0 = nowS()
    await sleep(8000)
    const t1 = nowS()
    const components = await sensor.stop()
    expect(client.requests).toBeLessThanOrEqual(5)
    const gpus = components.filter((c) => c.kind === 'gpu')
    expect(gpus.map((c) => c.id)).toEqual([
      'gpu-node-01/gpu0',
      'gpu-node-01/gpu1',
      'gpu-node-02/gpu0',
      'gpu-node-02/gpu1'
    ])
    for (const c of gpus) {
      const [host, gpu] = c.id.split('/gpu')
      const truth = exporter.gpuEnergyJ(host!, Number(gpu), t0, t1)
      expect(Math.abs(c.energyJ - truth) / truth).toBeLessThan(0.02)
      expect(c).toMatchObject({ source: 'prometheus:dcgm', method: 'counter', name: A100, host })
      expect(c.uuid).toBe(uuidOf(host!, Number(gpu)))
      expect(c.coverage).toBeGreaterThan(0.95)
    }
    const packages = components.filter((c) => c.kind === 'cpu')
    // each node's package draws a constant 120 W and 100 W: within 2%, like the GPUs
    expect(packages.map((c) => c.host)).toEqual(['gpu-node-01', 'gpu-node-02'])
    for (const [c, watts] of packages.map((c, i) => [c, [120, 100][i]!] as const))
      expect(Math.abs(c.energyJ / (t1 - t0) - watts) / watts).toBeLessThan(0.02)
  }, 30_000)

  it('refuses a selector that matches nothing before the command starts, naming the labels that exist', async () => {
    const marker = join(dir, 'ran')
    await expect(
      runMeasurement(
        {
          argv: [
            process.execPath,
            '-e',
            `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`
          ]
        },
        {
          intervalMs: 100,
          idleSeconds: 0,
          repeat: 1,
          prometheusUrl: prom.url,
          prometheusSelector: 'Hostname="gpu-node-1"'
        },
        { env: readRunEnv(runnerEnv()), log: () => undefined }
      )
    ).rejects.toThrow(
      /prometheus-selector: got "Hostname=\\"gpu-node-1\\"", which matches no energy series.*Hostname \("gpu-node-01", "gpu-node-02"\).*hpc_job \("4242"\)/
    )
    expect(existsSync(marker)).toBe(false)
  })

  it("drops the runner's own GPU sensor when Prometheus already counts that host", async () => {
    const cluster = await openClusterSource(
      { prometheusUrl: prom.url, prometheusSelector: SELECTOR },
      runnerEnv()
    )
    const local = (source: string): EnergySensor => ({ source }) as unknown as EnergySensor
    // the runner is not a cluster node: its CPU sensor stays, an unrelated GPU stays
    expect(
      cluster!
        .filterLocal([local('rapl'), local('nvml')], ['GPU-other'])
        .sensors.map((s) => s.source)
    ).toEqual(['rapl', 'nvml'])
    // the runner's GPU is one of the job's (same UUID): read from Prometheus only
    const same = cluster!.filterLocal([local('rapl'), local('nvml')], [uuidOf('gpu-node-01', 0)])
    expect(same.sensors.map((s) => s.source)).toEqual(['rapl'])
    expect(same.notices.join('\n')).toMatch(
      /local nvml sensor not used: this runner's GPUs are in Prometheus/
    )
    expect(hostname()).not.toMatch(/^gpu-node-0/)
  })

  it('gives the same verdict whether the GPUs are read locally (nvidia-smi) or through Prometheus', async () => {
    const fakeGpus = NODES.flatMap((n) =>
      n.gpus.map((g) => ({
        name: g.modelName,
        uuid: `GPU-local-${n.hostname}-${g.gpu}`,
        powerLimitW: 400,
        power: g.powerW
      }))
    )
    const localEnv = {
      ...runnerEnv(),
      // the sensor's child does not see this test's environment: a wrapper carries the fake's
      JOULEGATE_NVIDIA_SMI: writeWrapper(dir, 'nvidia-smi', FAKE_NVIDIA_SMI, {
        JOULEGATE_FAKE_GPUS: JSON.stringify(fakeGpus)
      })
    }
    const outcomes = []
    for (const [name, env, extra] of [
      ['local', localEnv, {}],
      [
        'prometheus',
        runnerEnv(),
        { 'prometheus-url': prom.url, 'prometheus-selector': 'hpc_job="4242"' }
      ]
    ] as const) {
      const project = join(dir, `verdict-${name}`)
      mkdirSync(join(project, '.github'), { recursive: true })
      // a 4 s baseline, then the same training (pass) and one that runs 50% longer (fail)
      writeFileSync(join(project, '.github', 'joulegate.yml'), 'budget:\n  energy-increase: 25%\n')
      const verdicts: string[] = []
      let energyJ = 0
      let fingerprint = ''
      for (const [ms, record] of [
        [4000, 'true'],
        [4000, 'false'],
        [6000, 'false']
      ] as const) {
        const outcome = await runCheck(parseSettings({ 'idle-seconds': '0', record, ...extra }), {
          cwd: project,
          baseSha: null,
          headSha: null,
          store: openFolderStore(join(project, 'store')),
          log: () => undefined,
          argv: [process.execPath, '-e', `setTimeout(() => {}, ${ms})`],
          env: readRunEnv(env)
        })
        verdicts.push(outcome.verdict)
        const m = (outcome.result as CheckResult).record.measurement
        if (record === 'false') continue
        energyJ = m.components.filter((c) => c.kind === 'gpu').reduce((a, c) => a + c.energyJ, 0)
        fingerprint = m.host.fingerprint
      }
      outcomes.push({ name, verdicts, energyJ, fingerprint })
    }
    expect(outcomes[0]!.verdicts).toEqual(['no-baseline', 'pass', 'fail'])
    expect(outcomes[1]!.verdicts).toEqual(outcomes[0]!.verdicts)
    // the same four GPU models and counts: the same calibration fingerprint
    expect(outcomes[1]!.fingerprint).toBe(outcomes[0]!.fingerprint)
    expect(
      Math.abs(outcomes[1]!.energyJ - outcomes[0]!.energyJ) / outcomes[0]!.energyJ
    ).toBeLessThan(0.05)
  }, 90_000)

  // last: it takes node 2 away for good
  it('reports an exporter restart (counter reset) and a node that vanished mid-run instead of failing', async () => {
    const lines: string[] = []
    const t0 = nowS()
    const running = runMeasurement(
      { argv: [process.execPath, '-e', 'setTimeout(() => {}, 9000)'] },
      {
        intervalMs: 100,
        idleSeconds: 0,
        repeat: 1,
        prometheusUrl: prom.url,
        prometheusSelector: SELECTOR
      },
      { env: readRunEnv(runnerEnv()), log: (l) => lines.push(l) }
    )
    await sleep(2500)
    await exporter.restart('gpu-node-01', 300)
    await sleep(1500)
    await exporter.vanish('gpu-node-02')
    const m = await running
    const t1 = t0 + m.durationS
    const gpus = m.components.filter((c) => c.kind === 'gpu')
    expect(gpus).toHaveLength(4)
    const node1 = gpus.filter((c) => c.host === 'gpu-node-01')
    const node2 = gpus.filter((c) => c.host === 'gpu-node-02')
    for (const c of node1) {
      expect(c.notes?.join(' ')).toMatch(/counter reset 1 time\(s\)/)
      const truth = exporter.gpuEnergyJ('gpu-node-01', Number(c.id.slice(-1)), t0, t1)
      // what a reset loses is at most the restart's downtime plus one scrape interval
      expect(c.energyJ).toBeLessThanOrEqual(truth * 1.02)
      expect(c.energyJ).toBeGreaterThan(truth * (1 - 2.5 / m.durationS))
    }
    for (const c of node2) {
      expect(c.coverage).toBeLessThan(0.8)
      expect(c.coverage).toBeGreaterThan(0.3)
      const gpu = Number(c.id.slice(-1))
      // Prometheus knows the node up to its last scrape before it vanished; the rest is the
      // coverage gap. PromQL's increase() extrapolates up to a scrape interval (1 s here) at the
      // window's edges, a few percent of a window this short.
      const seen = exporter.gpuEnergyJ('gpu-node-02', gpu, t0, exporter.lastScrapeS('gpu-node-02')!)
      expect(c.energyJ).toBeGreaterThan(seen * 0.95)
      expect(c.energyJ).toBeLessThan(exporter.gpuEnergyJ('gpu-node-02', gpu, t0, t1) * 1.1)
    }
    expect(m.notices?.join('\n')).toMatch(/gpu-node-02\/gpu0: scraped for \d+% of the window/)
    expect(m.host.gpus).toEqual([A100, A100, A100, A100])
    expect(lines.join('\n')).toMatch(
      /Prometheus at http:\/\/127\.0\.0\.1:\d+ with Hostname=~.*4 GPU series on 2 node\(s\)/
    )
  }, 40_000)
})
