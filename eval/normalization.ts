// npm run eval:normalization [-- --selection] [-- --draws N]
// The protocol: for every ordered GPU pair, every configuration the two GPUs share. Each draw
// picks a job (a configuration measured on the local GPU whose reference energy is known) and
// calibration points for five cases: 6 random suite points; 32; 6 drawn to span GPU use; 6 from
// other families plus one anchor of the job's family; 6 from other families with the job's family
// named but never calibrated. Calibration and measurement files are built as the contract writes
// them and go through the same reader as the CLI. DCASE's single ratio runs on the same draws.
// Even draws chose the settings (--selection shows them); the report uses the odd ones.
import { markdownTable } from 'markdown-table'
import { quantile } from 'simple-statistics'
import {
  normalizeMeasurement,
  validateCalibration,
  validateMeasurement
} from '../src/core/normalize/index.js'
import type { ModelName } from '../src/core/normalize/index.js'
import { createRng } from '../src/core/random.js'
import {
  loadMlEnergy,
  loadZeus,
  toCalibrationJson,
  toMeasurementJson
} from './normalization-data.js'
import type { Dataset, Run } from './normalization-data.js'

const argValue = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const SELECTION = process.argv.includes('--selection')
const DRAWS = Number(argValue('--draws') ?? 200) // per ordered pair; half of them are reported
const MODEL = argValue('--model') as ModelName | undefined
const CASES = ['6 random', '32 random', '6 spanning use', '6 + anchor', 'unseen family'] as const
type Case = (typeof CASES)[number]

interface Outcome {
  case: Case
  pair: string
  family: string
  task: string
  ape: number
  dcaseApe: number
  covered: boolean
}

function shuffle<T>(xs: T[], rng: () => number): T[] {
  const a = [...xs]
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    ;[a[i], a[j]] = [a[j], a[i]]
  }
  return a
}

/** Six points spread over GPU use: one random point from each sixth of the use-sorted list. */
function drawSpanning(pool: Run[], n: number, rng: () => number): Run[] {
  const sorted = [...pool].sort(
    (a, b) => a.meanPowerW / a.powerLimitW - b.meanPowerW / b.powerLimitW
  )
  return Array.from({ length: n }, (_, k) => {
    const lo = Math.floor((k * sorted.length) / n)
    const hi = Math.max(lo + 1, Math.floor(((k + 1) * sorted.length) / n))
    return sorted[lo + Math.floor(rng() * (hi - lo))]
  })
}

function drawCase(c: Case, job: Run, others: Run[], rng: () => number): Run[] | null {
  const foreign = others.filter((r) => r.family !== job.family)
  const kin = others.filter((r) => r.family === job.family)
  switch (c) {
    case '6 random':
      return shuffle(others, rng).slice(0, 6)
    case '32 random':
      return others.length >= 32 ? shuffle(others, rng).slice(0, 32) : null
    case '6 spanning use':
      return drawSpanning(others, 6, rng)
    case '6 + anchor':
      if (kin.length === 0 || foreign.length < 6) return null
      return [...shuffle(foreign, rng).slice(0, 6), kin[Math.floor(rng() * kin.length)]]
    case 'unseen family':
      return foreign.length < 6 ? null : shuffle(foreign, rng).slice(0, 6)
  }
}

function evaluate(dataset: Dataset, draws: number[]): Outcome[] {
  const out: Outcome[] = []
  const gpus = [...dataset.gpus.keys()].sort()
  for (const [li, localGpu] of gpus.entries()) {
    for (const [ri, refGpu] of gpus.entries()) {
      if (localGpu === refGpu) continue
      const localRuns = dataset.gpus.get(localGpu)!
      const refRuns = dataset.gpus.get(refGpu)!
      const shared = [...localRuns.keys()].filter((w) => refRuns.has(w)).sort()
      const pair = `${localGpu} → ${refGpu}`
      for (const draw of draws) {
        const rng = createRng(draw * 7919 + li * 31 + ri)
        const jobName = shared[Math.floor(rng() * shared.length)]
        const job = localRuns.get(jobName)!
        const others = shared.filter((w) => w !== jobName).map((w) => localRuns.get(w)!)
        const truth = refRuns.get(jobName)!.energyJ
        for (const c of CASES) {
          const calib = drawCase(c, job, others, rng)
          if (!calib) continue
          const names = calib.map((r) => r.workload)
          const local = validateCalibration(toCalibrationJson(localGpu, calib), 'local.json')
          const reference = validateCalibration(
            toCalibrationJson(
              refGpu,
              names.map((w) => refRuns.get(w)!)
            ),
            'reference.json'
          )
          const named = c === '6 + anchor' || c === 'unseen family'
          const m = validateMeasurement(
            toMeasurementJson(localGpu, job, named ? job.family : undefined),
            'job.json'
          )
          const r = normalizeMeasurement(local, reference, m, MODEL ? { model: MODEL } : {})
          // DCASE: one baseline system run on both machines (the anchor itself when there is one)
          const baseline = c === '6 + anchor' ? names[names.length - 1] : names[0]
          const dcase =
            job.energyJ * (refRuns.get(baseline)!.energyJ / localRuns.get(baseline)!.energyJ)
          out.push({
            case: c,
            pair,
            family: job.family,
            task: job.task ?? '',
            ape: Math.abs(r.normalizedEnergyJ / truth - 1),
            dcaseApe: Math.abs(dcase / truth - 1),
            covered: truth >= r.interval[0] && truth <= r.interval[1]
          })
        }
      }
    }
  }
  return out
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`

/** Median with a 90% percentile-bootstrap interval (seeded, 300 resamples). */
function medianWithCi(xs: number[]): string {
  if (xs.length === 0) return '—'
  const rng = createRng(xs.length)
  const meds = Array.from({ length: 300 }, () =>
    quantile(
      Array.from({ length: xs.length }, () => xs[Math.floor(rng() * xs.length)]),
      0.5
    )
  )
  return `${pct(quantile(xs, 0.5))} [${pct(quantile(meds, 0.05))}–${pct(quantile(meds, 0.95))}]`
}

function groupBy(xs: Outcome[], key: (o: Outcome) => string): Map<string, Outcome[]> {
  const m = new Map<string, Outcome[]>()
  for (const o of xs) m.set(key(o), [...(m.get(key(o)) ?? []), o])
  return m
}

const coverage = (xs: Outcome[]): number => xs.filter((o) => o.covered).length / xs.length

function coverageRange(xs: Outcome[], key: (o: Outcome) => string): string {
  const groups = [...groupBy(xs, key).values()].filter((g) => g.length >= 20).map(coverage)
  return groups.length === 0 ? '—' : `${pct(Math.min(...groups))}–${pct(Math.max(...groups))}`
}

/** ML.ENERGY: each task weighs the same (the diffusion tasks have many more configurations). */
function macroMedian(xs: Outcome[], f: (o: Outcome) => number): string {
  const tasks = [...groupBy(xs, (o) => o.task).values()]
  return pct(tasks.reduce((s, t) => s + quantile(t.map(f), 0.5), 0) / tasks.length)
}

function report(dataset: Dataset, draws: number[], perTask: boolean): string {
  const outcomes = evaluate(dataset, draws)
  const rows = CASES.map((c) => {
    const xs = outcomes.filter((o) => o.case === c)
    if (xs.length === 0) return [c, '—', '—', '—', '—', '—', '0']
    return [
      c,
      medianWithCi(xs.map((o) => o.ape)),
      medianWithCi(xs.map((o) => o.dcaseApe)),
      ...(perTask ? [macroMedian(xs, (o) => o.ape)] : []),
      pct(coverage(xs)),
      coverageRange(xs, (o) => o.pair),
      coverageRange(xs, (o) => o.family),
      String(xs.length)
    ]
  })
  const head = [
    'case',
    'median APE [90% CI]',
    'DCASE single ratio',
    ...(perTask ? ['macro over tasks'] : []),
    '80% coverage',
    'per pair',
    'per family (≥20)',
    'jobs'
  ]
  const taskRows = perTask
    ? [
        ...groupBy(
          outcomes.filter((o) => o.case === '6 random'),
          (o) => o.task
        )
      ].map(([task, xs]) => [
        task,
        pct(
          quantile(
            xs.map((o) => o.ape),
            0.5
          )
        ),
        pct(
          quantile(
            xs.map((o) => o.dcaseApe),
            0.5
          )
        ),
        pct(coverage(xs)),
        String(xs.length)
      ])
    : []
  return [
    `### ${dataset.name}`,
    '',
    `GPUs: ${[...dataset.gpus.keys()].sort().join(', ')}; ${draws.length} draws per ordered pair (${SELECTION ? 'selection half' : 'report half'}); model ${MODEL ?? 'automatic'}.`,
    '',
    markdownTable([head, ...rows]),
    ...(perTask
      ? [
          '',
          'Per task, 6 random points:',
          '',
          markdownTable([['task', 'median APE', 'DCASE', 'coverage', 'jobs'], ...taskRows])
        ]
      : []),
    ''
  ].join('\n')
}

function main(): void {
  const draws = Array.from({ length: DRAWS }, (_, i) => i).filter(
    (i) => i % 2 === (SELECTION ? 0 : 1)
  )
  process.stdout.write(
    `${report(loadZeus(), draws, false)}\n${report(loadMlEnergy(), draws, true)}`
  )
}

main()
