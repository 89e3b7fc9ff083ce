import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { I as INPUTS, U as UsageError, d as describeBadValue } from './mod.js';
import { appendFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { appendFileSync } from 'node:fs';
import { i as integerIn } from './flags.js';
import { a as formatCommandHelp } from './help.js';
import { r as readEnv } from './env.js';
import 'node:util';

// The CPU calibration suite: fixed amounts of work (not fixed time) on worker threads, so that
// `calibrate` works on a runner with no GPU and no PyTorch. Each workload appends its operation
// count to JOULEGATE_METRICS_FILE as `ops` (not `flops`: the count is of loop iterations whose
// floating-point content is known, but a JIT may fuse or vectorise them, so it is not a FLOP count).
const CPU_WORKLOADS = [
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
];
const CPU_WORKLOAD_NAMES = CPU_WORKLOADS.map((w) => w.name);
/** Scale for `--quick` (≈ 0.5 s each). */
const QUICK_SCALE = 0.08;
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
`;
function runThread(kind, iterations, seed) {
    return new Promise((resolve, reject) => {
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { kind, iterations, seed } });
        worker.once('message', (v) => resolve(v));
        worker.once('error', reject);
        worker.once('exit', (code) => {
            if (code !== 0)
                reject(new Error(`cpu workload thread exited with ${code}`));
        });
    });
}
/** Runs one CPU workload to completion and reports its operation count through the metrics file. */
async function runCpuWorkload(name, scale, metricsFile = null) {
    const spec = CPU_WORKLOADS.find((w) => w.name === name);
    if (!spec)
        throw new Error(`unknown CPU workload "${name}"; expected one of: ${CPU_WORKLOAD_NAMES.join(', ')}`);
    if (!(scale > 0))
        throw new Error(`CPU workload scale: got ${scale}, expected a number > 0`);
    const threads = spec.threads(availableParallelism());
    const iterations = Math.max(1, Math.round(spec.iterations * scale));
    await Promise.all(Array.from({ length: threads }, (_, i) => runThread(spec.kind, iterations, i + 1)));
    if (metricsFile) {
        const line = { ops: iterations * threads, threads, workload: spec.name };
        await appendFile(metricsFile, `${JSON.stringify(line)}\n`);
    }
}

// Seeded randomness for synthetic data, simulations and evaluation splits: every run of a
// benchmark, an evaluation or the demo's trainer prints the same figures.
/** mulberry32: small, fast and good enough for synthetic data; never for anything secret. */
function createRng(seed) {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

// The demo's embedded training job: a real (small) MLP trained by SGD on a seeded synthetic task,
// reporting through the metrics protocol like any training script would. Its cost scales with
// --hidden and --epochs, so a "costlier variant" really does cost more energy.
function makeData(o, rng) {
    const x = new Float64Array(o.samples * o.features);
    const y = new Uint8Array(o.samples);
    for (let i = 0; i < o.samples; i++) {
        let score = 0;
        for (let j = 0; j < o.features; j++) {
            const v = rng() * 2 - 1;
            x[i * o.features + j] = v;
            score += j % 2 === 0 ? Math.sin(3 * v) : v * v - 0.33;
        }
        y[i] = score > 0 ? 1 : 0;
    }
    return { x, y };
}
function runTinyTrainer(o) {
    const rng = createRng(o.seed);
    const { x, y } = makeData(o, rng);
    const { features: F, hidden: H } = o;
    const w1 = Float64Array.from({ length: F * H }, () => (rng() * 2 - 1) / Math.sqrt(F));
    const b1 = new Float64Array(H);
    const w2 = Float64Array.from({ length: H }, () => (rng() * 2 - 1) / Math.sqrt(H));
    let b2 = 0;
    const params = F * H + H + H + 1;
    const train = Math.floor(o.samples * 0.8);
    const report = (values) => {
        if (o.metricsFile)
            appendFileSync(o.metricsFile, `${JSON.stringify(values)}\n`);
    };
    // forward + backward of one sample, counted as multiply-adds
    report({ params, flops: 2 * 3 * (F * H + H) * train * o.epochs });
    const h = new Float64Array(H);
    const forward = (i) => {
        let out = b2;
        for (let k = 0; k < H; k++) {
            let a = b1[k];
            for (let j = 0; j < F; j++)
                a += w1[j * H + k] * x[i * F + j];
            h[k] = a > 0 ? a : 0;
            out += w2[k] * h[k];
        }
        return 1 / (1 + Math.exp(-out));
    };
    let accuracy = 0;
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
        const lr = 0.05 / Math.sqrt(epoch);
        for (let i = 0; i < train; i++) {
            const g = forward(i) - y[i];
            for (let k = 0; k < H; k++) {
                if (h[k] > 0) {
                    const gk = g * w2[k];
                    for (let j = 0; j < F; j++)
                        w1[j * H + k] -= lr * gk * x[i * F + j];
                    b1[k] -= lr * gk;
                }
                w2[k] -= lr * g * h[k];
            }
            b2 -= lr * g;
        }
        let correct = 0;
        let loss = 0;
        for (let i = train; i < o.samples; i++) {
            const p = Math.min(Math.max(forward(i), 1e-9), 1 - 1e-9);
            correct += (p > 0.5 ? 1 : 0) === y[i] ? 1 : 0;
            loss -= y[i] ? Math.log(p) : Math.log(1 - p);
        }
        accuracy = correct / (o.samples - train);
        report({ epoch, accuracy: round(accuracy), val_loss: round(loss / (o.samples - train)) });
    }
    return { accuracy, params };
}
const round = (v) => Math.round(v * 1e4) / 1e4;

// joulegate workload NAME [options]: the built-in jobs (the demo's tiny trainer, the CPU
// calibration suite) run as child processes of `measure`, like any user command.
const count = (name, min, max, help) => ({ name, type: 'string', value: 'N', field: name, parse: integerIn(min, max), help });
const workload = {
    name: 'workload',
    summary: "the built-in jobs (the demo's trainer, the CPU calibration suite)",
    usage: `joulegate workload tiny-trainer [--hidden N] [--epochs N] [--samples N] [--seed N]
       joulegate workload cpu-1t|cpu-half|cpu-all|cpu-memory [--quick]`,
    description: "The built-in jobs: the demo's tiny trainer and the CPU calibration suite.",
    // measured as the child of measure, calibrate or demo, not run by hand
    internal: true,
    flags: [
        count('hidden', 1, 4096, 'hidden units (default 32)'),
        count('epochs', 1, 1000, 'epochs (default 6)'),
        count('samples', 10, 10_000_000, 'training samples (default 4000)'),
        count('seed', 0, 2 ** 31, 'random seed (default 7)'),
        {
            name: 'quick',
            type: 'boolean',
            input: INPUTS.quick,
            help: 'the small scale of a CPU workload'
        }
    ],
    run: runWorkload
};
async function runWorkload(...[settings, io]) {
    const [name] = settings.positionals;
    if (name === undefined) {
        io.out(formatCommandHelp(workload));
        return 2;
    }
    if (name === 'tiny-trainer') {
        const result = runTinyTrainer({
            hidden: settings.hidden ?? 32,
            epochs: settings.epochs ?? 6,
            samples: settings.samples ?? 4000,
            features: 16,
            seed: settings.seed ?? 7,
            metricsFile: readEnv().metricsFile
        });
        io.out(`tiny-trainer: accuracy ${result.accuracy.toFixed(4)} with ${result.params} parameters`);
        return 0;
    }
    if (CPU_WORKLOAD_NAMES.includes(name)) {
        await runCpuWorkload(name, settings.quick ? QUICK_SCALE : 1, readEnv().metricsFile);
        return 0;
    }
    throw new UsageError(describeBadValue('workload', name, `one of tiny-trainer, ${CPU_WORKLOAD_NAMES.join(', ')}`));
}

export { workload };
