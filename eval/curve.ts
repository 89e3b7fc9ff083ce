// npm run eval:curve — energy-to-target and projection error on the Zeus NSDI'23 traces.
// What the traces hold: per (GPU, workload, batch size, optimizer, power limit) a constant time per
// epoch and average GPU power; per (workload, batch size, optimizer, lr, seed) the epoch at which each
// target metric was first reached. They hold no per-epoch energy, so per-epoch variation and warm-up
// below are injected (and said so); the planned epoch counts and the per-epoch energies are real.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { markdownTable } from 'markdown-table'
import { median, quantile } from 'simple-statistics'
import { analyseCurve, type Direction } from '../src/core/analysis/curve.js'
import { projectEnergy } from '../src/core/analysis/projection.js'
import type { ProgressPoint } from '../src/core/types.js'
import { createRng } from '../src/core/random.js'

const DATA = path.resolve('..', 'shared', 'datasets')
const KWH = 3.6e6
type Row = Record<string, string>
const read = (file: string): Row[] =>
  parse(readFileSync(path.join(DATA, file), 'utf8'), { columns: true }) as Row[]

const power = read('zeus_nsdi23_power_trace_4gpus.csv')
const train = read('zeus_nsdi23_train_trace.csv')
const workloadOf = (r: Row): string => `${r.dataset}/${r.network}`
const configOf = (r: Row): string => `${workloadOf(r)} b${r.batch_size} ${r.optimizer}`
// WER falls as training goes on; every other Zeus target is higher-is-better
const directionOf = (workload: string): Direction =>
  workload.startsWith('librispeech') ? 'lower' : 'higher'

// energy of one epoch at the GPU's highest power limit in the trace (the default setting)
const epochJ = new Map<string, Map<string, number>>() // gpu -> config -> J
for (const r of power) {
  const byConfig = epochJ.get(r.gpu!) ?? new Map<string, number>()
  const key = configOf(r)
  const limits = power
    .filter((p) => p.gpu === r.gpu && configOf(p) === key)
    .map((p) => Number(p.power_limit_w))
  if (Number(r.power_limit_w) === Math.max(...limits))
    byConfig.set(key, Number(r.time_per_epoch_s) * Number(r.average_power_w))
  epochJ.set(r.gpu!, byConfig)
}

// runs: (config, lr, seed) -> target -> epoch reached (null: never)
interface Run {
  workload: string
  config: string
  lr: string
  seed: string
  reached: Map<number, number | null>
}
const runs = new Map<string, Run>()
for (const r of train) {
  const key = `${configOf(r)} ${r.learning_rate} ${r.run}`
  const run = runs.get(key) ?? {
    workload: workloadOf(r),
    config: configOf(r),
    lr: r.learning_rate!,
    seed: r.run!,
    reached: new Map()
  }
  run.reached.set(
    Number(r.target_metric),
    r.target_epoch === 'nan' || r.target_epoch === '' ? null : Number(r.target_epoch)
  )
  runs.set(key, run)
}
const allRuns = [...runs.values()]
const workloads = [...new Set(allRuns.map((r) => r.workload))]

/** The hardest target (latest on average) that every seed of at least one (config, lr) reaches. */
function hardestCommonTarget(workload: string): number {
  const own = allRuns.filter((r) => r.workload === workload)
  const groups = new Map<string, Run[]>()
  for (const r of own)
    groups.set(`${r.config} ${r.lr}`, [...(groups.get(`${r.config} ${r.lr}`) ?? []), r])
  const targets = [...new Set(own.flatMap((r) => [...r.reached.keys()]))]
  const ok = targets.filter((t) =>
    [...groups.values()].some((g) => g.every((r) => r.reached.get(t) != null))
  )
  const lateness = (t: number): number =>
    median(own.flatMap((r) => (r.reached.get(t) != null ? [r.reached.get(t)!] : [])))
  return ok.sort((a, b) => lateness(b) - lateness(a))[0]!
}

const fmt = (x: number, d = 3): string =>
  Number.isFinite(x) ? Number(x.toPrecision(d)).toString() : '—'
const out: string[] = []

// 1. energy to target per workload and GPU
out.push(
  '## 1. Energy to target (GPU energy, highest power limit, best batch size/optimizer/lr by median energy)',
  ''
)
const targetOf = new Map(workloads.map((w) => [w, hardestCommonTarget(w)]))
const energyRows: string[][] = [
  [
    'workload',
    'target',
    'GPU',
    'config (lr)',
    'epochs (median)',
    'kWh (median)',
    'kWh min–max over seeds'
  ]
]
for (const w of workloads) {
  const target = targetOf.get(w)!
  for (const [gpu, byConfig] of epochJ) {
    const groups = new Map<string, Run[]>()
    for (const r of allRuns.filter((x) => x.workload === w && byConfig.has(x.config))) {
      groups.set(`${r.config} (${r.lr})`, [...(groups.get(`${r.config} (${r.lr})`) ?? []), r])
    }
    let best: { name: string; epochs: number[]; kwh: number[] } | null = null
    for (const [name, g] of groups) {
      if (!g.every((r) => r.reached.get(target) != null)) continue
      const epochs = g.map((r) => r.reached.get(target)!)
      const kwh = epochs.map((e) => (e * byConfig.get(g[0]!.config)!) / KWH)
      if (best === null || median(kwh) < median(best.kwh)) best = { name, epochs, kwh }
    }
    if (best)
      energyRows.push([
        w,
        String(target),
        gpu,
        best.name.replace(`${w} `, ''),
        fmt(median(best.epochs)),
        fmt(median(best.kwh)),
        `${fmt(Math.min(...best.kwh))}–${fmt(Math.max(...best.kwh))}`
      ])
  }
}
out.push(markdownTable(energyRows), '')

// 2. where the curve flattens: share of the energy spent to reach 90/95/99% of the final value
out.push(
  '## 2. Share of the energy spent before reaching 90/95/99% of the final value (median over runs, analyseCurve)',
  ''
)
const shareRows: string[][] = [['workload', 'runs', '90%', '95%', '99%', 'knee']]
for (const w of workloads) {
  const shares: number[][] = [[], [], [], []]
  for (const r of allRuns.filter((x) => x.workload === w)) {
    const reached = [...r.reached.entries()].filter(([, e]) => e !== null) as [number, number][]
    if (reached.length < 3) continue
    // constant epoch energy: cumulative energy is proportional to the epoch, so one epoch = 1 unit
    const byEpoch = new Map<number, number>()
    for (const [t, e] of reached) {
      const better =
        directionOf(w) === 'higher'
          ? Math.max(t, byEpoch.get(e) ?? -Infinity)
          : Math.min(t, byEpoch.get(e) ?? Infinity)
      byEpoch.set(e, better)
    }
    const progress: ProgressPoint[] = [...byEpoch.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([e, v]) => ({ elapsedS: e, energyJ: e, values: { epoch: e, metric: v } }))
    const a = analyseCurve(progress, { metric: 'metric', direction: directionOf(w) })
    if (!a) continue
    a.reach.forEach((x, k) => x && shares[k]!.push(x.energyFraction))
    if (a.stop) shares[3]!.push(a.stop.energyFraction)
  }
  shareRows.push([
    w,
    String(shares[0]!.length),
    ...shares.map((s) => (s.length ? `${Math.round(median(s) * 100)}%` : '—'))
  ])
}
out.push(markdownTable(shareRows), '')
out.push(
  'The trace records only the epoch at which each target was first met, so each curve is a staircase through those targets and its "final value" is the hardest target the run reached.',
  ''
)

const cases: { perEpochJ: number; planned: number }[] = []
for (const w of workloads) {
  const target = targetOf.get(w)!
  for (const byConfig of epochJ.values())
    for (const r of allRuns.filter((x) => x.workload === w && byConfig.has(x.config))) {
      const e = r.reached.get(target)
      if (e != null && e >= 8) cases.push({ perEpochJ: byConfig.get(r.config)!, planned: e })
    }
}
out.push(
  `## 3. Projection error from the first k epochs (${cases.length} runs that reached the target after >= 8 epochs; planned = the epoch the seed reached it)`,
  ''
)
out.push(
  'Warm-up (extra energy in epoch 1) and per-epoch scatter are injected: the trace has neither. Errors are |projected − true| / true; coverage is the share of runs whose true total lies in the 80% interval.',
  ''
)
const projRows: string[][] = [
  [
    'warm-up',
    'epoch CV',
    'k',
    'linear: median err',
    'linear: p90 err',
    'joulegate: median err',
    'joulegate: p90 err',
    '80% coverage'
  ]
]
for (const warmup of [0, 0.3, 1.0])
  for (const cv of [0, 0.03, 0.1])
    for (const k of [2, 3, 5]) {
      const rand = createRng(1000 * warmup + 100 * cv + k)
      const gauss = (): number =>
        Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
      const errL: number[] = []
      const errJ: number[] = []
      let covered = 0
      for (const c of cases) {
        const epochs = Array.from(
          { length: c.planned },
          (_, i) => c.perEpochJ * Math.max(0.05, 1 + cv * gauss()) * (i === 0 ? 1 + warmup : 1)
        )
        const truth = epochs.reduce((s, x) => s + x, 0)
        const p = projectEnergy(epochs.slice(0, k), c.planned)
        errL.push(Math.abs(p.linearJ - truth) / truth)
        errJ.push(Math.abs(p.projectedJ - truth) / truth)
        if (truth >= p.interval[0] && truth <= p.interval[1]) covered++
      }
      const pc = (x: number): string => `${(x * 100).toFixed(1)}%`
      projRows.push([
        pc(warmup),
        pc(cv),
        String(k),
        pc(median(errL)),
        pc(quantile(errL, 0.9)),
        pc(median(errJ)),
        pc(quantile(errJ, 0.9)),
        pc(covered / cases.length)
      ])
    }
out.push(markdownTable(projRows), '')

// 4. what a planned epoch count cannot know: seed-to-seed spread of epochs to target
out.push(
  '## 4. Seed spread of epochs to target (same config and lr): the limit of any projection from a planned epoch count',
  ''
)
const spreadRows: string[][] = [
  [
    'workload',
    'target',
    'configs with >= 2 seeds',
    'max/min epochs, median',
    'max/min epochs, worst'
  ]
]
for (const w of workloads) {
  const target = targetOf.get(w)!
  const groups = new Map<string, number[]>()
  for (const r of allRuns.filter((x) => x.workload === w)) {
    const e = r.reached.get(target)
    if (e != null)
      groups.set(`${r.config} ${r.lr}`, [...(groups.get(`${r.config} ${r.lr}`) ?? []), e])
  }
  const ratios = [...groups.values()]
    .filter((g) => g.length >= 2)
    .map((g) => Math.max(...g) / Math.min(...g))
  spreadRows.push([
    w,
    String(target),
    String(ratios.length),
    ratios.length ? fmt(median(ratios)) : '—',
    ratios.length ? fmt(Math.max(...ratios)) : '—'
  ])
}
out.push(markdownTable(spreadRows), '')
process.stdout.write(`${out.join('\n')}\n`)
