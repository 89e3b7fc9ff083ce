// npm run bench:prometheus — cluster energy through a real Prometheus (the Debian package),
// scraping emulated DCGM and node exporters every second.
//   accuracy : a 2-node x 2-GPU job whose GPUs swing sinusoidally around their mean power;
//              energy error of a 20 s and a 120 s window against the exporters' exact integral
//              (goals <= 2% and <= 0.5%)
//   scale    : a 64-node x 8-GPU job: queries and time to preflight and read one window, the
//              wait for the last scrape excluded (goals <= 5 queries, <= 1 s), and the peak RSS
//              of `joulegate measure --prometheus` reading it (a child process, /usr/bin/time)
// Exits 1 when a goal is missed, 2 when prometheus is not installed.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createPrometheusClient,
  createPrometheusSensor,
  inspectCluster
} from '../src/sensors/prometheus/source.js'
import { ClusterExporter, type EmulatedNode } from '../__tests__/helpers/cluster-exporter.js'
import {
  INSTALL_HINT,
  findPrometheus,
  startPrometheus,
  waitForTargets
} from '../__tests__/helpers/prometheus-server.js'

const bin = findPrometheus()
if (!bin) {
  console.error(`bench:prometheus: prometheus is not installed (${INSTALL_HINT})`)
  process.exit(2)
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const nowS = () => Date.now() / 1000
const A100 = 'NVIDIA A100-SXM4-80GB'
const H100 = 'NVIDIA H100 80GB HBM3'
const failures: string[] = []
const pct = (x: number) => `${(x * 100).toFixed(3)}%`

function runChild(
  cmd: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv }
): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: options.env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (status) => resolve({ status, stderr }))
  })
}

async function startCluster(nodes: EmulatedNode[]) {
  const exporter = await ClusterExporter.start(nodes)
  const t = exporter.targets()
  const prom = await startPrometheus(bin!, [
    { job: 'dcgm-exporter', targets: t.dcgm },
    ...t.rapl.map((r) => ({
      job: 'node-exporter',
      targets: [r.target],
      labels: { Hostname: r.hostname }
    }))
  ])
  await waitForTargets(prom.url, t.dcgm.length + t.rapl.length, 60_000)
  await sleep(2500)
  return { exporter, prom }
}

async function accuracy(): Promise<void> {
  const nodes: EmulatedNode[] = [1, 2].map((n) => ({
    hostname: `gpu-node-0${n}`,
    gpus: [0, 1].map((g) => ({
      gpu: g,
      modelName: A100,
      powerW: 220 + 40 * n + 30 * g,
      swingW: 90,
      periodS: 7 + 3 * g
    })),
    packageW: 110,
    dramW: 18
  }))
  const { exporter, prom } = await startCluster(nodes)
  try {
    const settings = { url: prom.url, selector: 'Hostname=~"gpu-node-0[12]"', token: null }
    const client = createPrometheusClient(settings)
    const inventory = await inspectCluster(client, settings)
    const window = async (seconds: number, delayMs: number) => {
      await sleep(delayMs)
      const sensor = createPrometheusSensor(client, settings, inventory)
      await sensor.start()
      await sensor.refresh!()
      const t0 = nowS()
      await sleep(seconds * 1000)
      const t1 = nowS()
      const components = await sensor.stop()
      const measured = components.filter((c) => c.kind === 'gpu').reduce((a, c) => a + c.energyJ, 0)
      const truth = exporter.clusterGpuEnergyJ(t0, t1)
      return { seconds, measured, truth, error: (measured - truth) / truth }
    }
    // both windows at once: the short one starts at an arbitrary phase of the swing
    const results = await Promise.all([window(120, 0), window(20, 37_300)])
    for (const r of results) {
      const goal = r.seconds <= 20 ? 0.02 : 0.005
      const ok = Math.abs(r.error) <= goal
      console.log(
        `accuracy ${r.seconds} s window: measured ${r.measured.toFixed(1)} J, exporters ${r.truth.toFixed(1)} J, error ${pct(r.error)} (goal ≤ ${pct(goal)}) ${ok ? 'ok' : 'MISSED'}`
      )
      if (!ok) failures.push(`accuracy ${r.seconds} s`)
    }
  } finally {
    await prom.stop()
    await exporter.stop()
  }
}

async function scale(): Promise<void> {
  const nodes: EmulatedNode[] = Array.from({ length: 64 }, (_, n) => ({
    hostname: `gpu-node-${String(n + 1).padStart(2, '0')}`,
    hpcJob: '4242',
    gpus: Array.from({ length: 8 }, (_, g) => ({
      gpu: g,
      modelName: n < 32 ? H100 : A100,
      powerW: 300 + ((n * 8 + g) % 11) * 20
    })),
    packageW: 180,
    dramW: 30
  }))
  const { exporter, prom } = await startCluster(nodes)
  const dir = mkdtempSync(join(tmpdir(), 'jg-prom-bench-'))
  try {
    const settings = { url: prom.url, selector: 'Hostname=~"gpu-node-[0-9]+"', token: null }
    const client = createPrometheusClient(settings)
    const p0 = performance.now()
    const inventory = await inspectCluster(client, settings)
    const preflightMs = performance.now() - p0
    const sensor = createPrometheusSensor(client, settings, inventory, { settleMs: 0 })
    await sensor.start()
    await sensor.refresh!()
    await sleep(10_000)
    const before = client.requests
    const r0 = performance.now()
    const components = await sensor.stop()
    const readMs = performance.now() - r0
    const queries = client.requests
    const gpus = components.filter((c) => c.kind === 'gpu').length
    const ok = queries <= 5 && preflightMs + readMs <= 1000 && gpus === 512
    console.log(
      `scale 64 nodes x 8 GPUs: ${gpus} GPU and ${components.length - gpus} RAPL components; ${queries} queries (${before} preflight + targets, ${queries - before} for the window; goal ≤ 5); preflight ${preflightMs.toFixed(0)} ms + window read ${readMs.toFixed(0)} ms = ${(preflightMs + readMs).toFixed(0)} ms (goal ≤ 1000 ms) ${ok ? 'ok' : 'MISSED'}`
    )
    if (!ok) failures.push('scale')
    // the whole CLI reading the same job, as a user runs it: its peak resident memory
    const out = join(dir, 'm.json')
    // asynchronously: the emulated exporters live in this process and must keep answering
    const measure = async (flags: string[]): Promise<number> => {
      const run = await runChild(
        '/usr/bin/time',
        [
          '-f',
          'maxrss_kb=%M',
          process.execPath,
          '--import',
          'tsx',
          'src/cli/index.ts',
          'measure',
          ...flags,
          '--idle-s',
          '0',
          '--out',
          out,
          '--',
          'sleep',
          '5'
        ],
        {
          env: {
            PATH: process.env['PATH'],
            JOULEGATE_NVIDIA_SMI: join(dir, 'none'),
            JOULEGATE_SYSFS_ROOT: join(dir, 'none'),
            JOULEGATE_PYTHON: 'none'
          }
        }
      )
      if (run.status !== 0)
        throw new Error(`joulegate measure failed (${run.status}): ${run.stderr}`)
      return Number(/maxrss_kb=(\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1024
    }
    const alone = await measure([])
    const rss = await measure([
      '--prometheus',
      prom.url,
      '--prometheus-selector',
      settings.selector
    ])
    const m = JSON.parse(readFileSync(out, 'utf8')) as { components: { kind: string }[] }
    console.log(
      `memory: joulegate measure --prometheus on 64 x 8 GPUs: peak RSS ${rss.toFixed(1)} MB (${m.components.filter((c) => c.kind === 'gpu').length} GPU components), against ${alone.toFixed(1)} MB for the same measure without Prometheus (both through tsx from source, whose loader is part of the figure)`
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await prom.stop()
    await exporter.stop()
  }
}

await scale()
await accuracy()
if (failures.length > 0) {
  console.error(`bench:prometheus: goals missed: ${failures.join(', ')}`)
  process.exit(1)
}
