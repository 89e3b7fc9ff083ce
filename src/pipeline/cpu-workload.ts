// The CPU calibration suite: fixed amounts of work (not fixed time) on worker threads, so that
// `calibrate` works on a runner with no GPU and no PyTorch. Each workload appends its operation
// count to JOULEGATE_METRICS_FILE as `ops` (not `flops`: the count is of loop iterations whose
// floating-point content is known, but a JIT may fuse or vectorise them, so it is not a FLOP count).
import { appendFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'

interface CpuWorkloadSpec {
  name: string
  description: string
  /** worker threads, from the machine's parallelism */
  threads: (cores: number) => number
  kind: 'compute' | 'memory'
  /** iterations per thread at scale 1 (≈ 5–10 s on a 2-core runner) */
  iterations: number
}

const CPU_WORKLOADS: CpuWorkloadSpec[] = [
  {
    name: 'cpu-1t',
    description: 'floating-point loop on one thread',
    threads: () => 1,
    kind: 'compute',
    iterations: 1.5e9
  },
  {
    name: 'cpu-half',
    description: 'floating-point loop on half the cores',
    threads: (c) => Math.max(1, Math.floor(c / 2)),
    kind: 'compute',
    iterations: 1.5e9
  },
  {
    name: 'cpu-all',
    description: 'floating-point loop on every core',
    threads: (c) => c,
    kind: 'compute',
    iterations: 1.5e9
  },
  {
    name: 'cpu-memory',
    description: 'strided walks over a 64 MiB array on every core',
    threads: (c) => c,
    kind: 'memory',
    iterations: 1.2e8
  }
]

export const CPU_WORKLOAD_NAMES = CPU_WORKLOADS.map((w) => w.name)

/** Scale for `--quick` (≈ 0.5 s each). */
export const QUICK_SCALE = 0.08

// Runs inside the worker (eval'd source, so the bundle needs no extra file). The loops are
// deterministic and their result is returned so the JIT cannot drop them.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { kind, iterations, seed } = workerData
let acc = 0
if (kind === 'compute') {
  let x = 1 + seed * 1e-9, y = 0.5
  for (let i = 0; i < iterations; i++) { x = x * 1.0000001 + y; y = y * 0.9999999 - x * 1e-9 }
  acc = x + y
} else {
  const n = 8 * 1024 * 1024 // 8 Mi float64 = 64 MiB, far beyond any cache
  const a = new Float64Array(n)
  for (let i = 0; i < n; i++) a[i] = (i * 2654435761) % 1000
  let j = seed % n
  for (let i = 0; i < iterations; i++) { acc += a[j]; a[j] = acc * 1e-12; j = (j + 4099 * 8 + 1) % n }
}
parentPort.postMessage(acc)
`

function runThread(
  kind: CpuWorkloadSpec['kind'],
  iterations: number,
  seed: number
): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { kind, iterations, seed } })
    worker.once('message', (v: number) => resolve(v))
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`cpu workload thread exited with ${code}`))
    })
  })
}

/** Runs one CPU workload to completion and reports its operation count through the metrics file. */
export async function runCpuWorkload(
  name: string,
  scale: number,
  metricsFile: string | null = null
): Promise<void> {
  const spec = CPU_WORKLOADS.find((w) => w.name === name)
  if (!spec)
    throw new Error(
      `unknown CPU workload "${name}"; expected one of: ${CPU_WORKLOAD_NAMES.join(', ')}`
    )
  if (!(scale > 0)) throw new Error(`CPU workload scale: got ${scale}, expected a number > 0`)
  const threads = spec.threads(availableParallelism())
  const iterations = Math.max(1, Math.round(spec.iterations * scale))
  await Promise.all(
    Array.from({ length: threads }, (_, i) => runThread(spec.kind, iterations, i + 1))
  )
  if (metricsFile) {
    const line = { ops: iterations * threads, threads, workload: spec.name }
    await appendFile(metricsFile, `${JSON.stringify(line)}\n`)
  }
}
