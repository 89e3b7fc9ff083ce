// npm run bench:gate — how often the gate is wrong, by simulation through the real judge().
//
// Each trial draws `repeat` runs per side with mean-preserving lognormal noise at the given cv,
// builds measurements with their repeat statistics, and judges them against a budget of
// `energy-increase: 10%` with the runner's calibrated noise floor (cv 3%) unless said otherwise.
// Goals (issue 4):
//   false-fail  : true change 0, repeat 3, cv 3%  -> share of `fail` verdicts          ≤ 1%
//   detection   : true change +10%, repeat 3, cv 3% -> share whose 95% interval for the
//                 change lies entirely above 0 (the gate reports an increase)         ≥ 90%
// Other rows are for information (no goal). Exits 1 when a goal is missed.
import { EMPTY_BUDGET, type Budget } from '../src/core/judge/budget/budget-schema.js'
import type { NoiseFloor } from '../src/core/compare/stats.js'
import {
  MEASUREMENT_SCHEMA,
  RESULT_SCHEMA,
  type HistoryRecord,
  type Measurement
} from '../src/core/types.js'
import { judge, type Judgement } from '../src/core/judge/verdict.js'
import { createGaussian, createRng } from '../src/core/random.js'

const TRIALS = Number(process.env.GATE_BENCH_TRIALS ?? 20_000)
const SEED = 20261127

function drawMeasurement(gauss: () => number, meanJ: number, cv: number, n: number): Measurement {
  const sigma = Math.sqrt(Math.log(1 + cv * cv))
  const runs = Array.from(
    { length: n },
    () => meanJ * Math.exp(sigma * gauss() - (sigma * sigma) / 2)
  )
  const mean = runs.reduce((s, x) => s + x, 0) / n
  const sd = n > 1 ? Math.sqrt(runs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : 0
  const m: Measurement = {
    schema: MEASUREMENT_SCHEMA,
    command: 'simulated',
    exitCode: 0,
    startedAt: '2026-11-27T00:00:00.000Z',
    durationS: 60,
    energyJ: mean,
    idlePowerW: null,
    netEnergyJ: null,
    components: [
      {
        id: 'gpu0',
        kind: 'gpu',
        name: 'simulated',
        method: 'counter',
        source: 'nvml',
        energyJ: mean,
        meanPowerW: mean / 60
      }
    ],
    metrics: {},
    progress: [],
    host: { fingerprint: 'sim', cpu: 'sim', gpus: ['sim'] }
  }
  if (n > 1) m.repeat = { n, meanJ: mean, sdJ: sd, cv: sd / mean, meanDurationS: 60 }
  return m
}

interface Scenario {
  name: string
  change: number
  repeat: number
  cv: number
  floor: NoiseFloor | null
  increase: number
  measure: (j: Judgement) => boolean
  goal?: { op: '≤' | '≥'; value: number }
}

const failed = (j: Judgement): boolean => j.verdict === 'fail'
const detected = (j: Judgement): boolean => j.change?.state === 'increase'
const calibrated: NoiseFloor = { cv: 0.03, source: 'calibration' }

const SCENARIOS: Scenario[] = [
  {
    name: 'false-fail: no change, repeat 3, cv 3%, budget +10%',
    change: 0,
    repeat: 3,
    cv: 0.03,
    floor: calibrated,
    increase: 0.1,
    measure: failed,
    goal: { op: '≤', value: 0.01 }
  },
  {
    name: 'detection: +10%, repeat 3, cv 3% (interval above 0)',
    change: 0.1,
    repeat: 3,
    cv: 0.03,
    floor: calibrated,
    increase: 0.1,
    measure: detected,
    goal: { op: '≥', value: 0.9 }
  },
  {
    name: 'no change, repeat 3: verdict pass',
    change: 0,
    repeat: 3,
    cv: 0.03,
    floor: calibrated,
    increase: 0.1,
    measure: (j) => j.verdict === 'pass'
  },
  {
    name: 'no change, repeat 3: verdict inconclusive',
    change: 0,
    repeat: 3,
    cv: 0.03,
    floor: calibrated,
    increase: 0.1,
    measure: (j) => j.verdict === 'inconclusive'
  },
  {
    name: 'no change, repeat 3: false "increase" (nominal 2.5%)',
    change: 0,
    repeat: 3,
    cv: 0.03,
    floor: calibrated,
    increase: 0.1,
    measure: detected
  },
  {
    name: 'no change, repeat 3, budget +0%: fail',
    change: 0,
    repeat: 3,
    cv: 0.03,
    floor: calibrated,
    increase: 0,
    measure: failed
  },
  {
    name: 'true +10% at a +10% budget: fail (nominal ≤ 2.5%)',
    change: 0.1,
    repeat: 3,
    cv: 0.03,
    floor: calibrated,
    increase: 0.1,
    measure: failed
  },
  {
    name: 'true +30% at a +10% budget, repeat 3: fail',
    change: 0.3,
    repeat: 3,
    cv: 0.03,
    floor: calibrated,
    increase: 0.1,
    measure: failed
  },
  {
    name: 'true +100% at a +10% budget, single runs, default floor: fail',
    change: 1,
    repeat: 1,
    cv: 0.03,
    floor: null,
    increase: 0.1,
    measure: failed
  },
  {
    name: 'detection +10%, single runs, floor 3%',
    change: 0.1,
    repeat: 1,
    cv: 0.03,
    floor: calibrated,
    increase: 0.1,
    measure: detected
  },
  {
    name: 'detection +10%, repeat 3, no calibration (Welch t)',
    change: 0.1,
    repeat: 3,
    cv: 0.03,
    floor: null,
    increase: 0.1,
    measure: detected
  },
  {
    name: 'false-fail, no change, repeat 3, no calibration (Welch t)',
    change: 0,
    repeat: 3,
    cv: 0.03,
    floor: null,
    increase: 0.1,
    measure: failed
  }
]

function runScenario(s: Scenario, seed: number): number {
  const gauss = createGaussian(createRng(seed))
  const budget: Budget = { ...EMPTY_BUDGET, source: 'bench', energyIncrease: s.increase }
  const baseJ = 360_000
  let hits = 0
  for (let i = 0; i < TRIALS; i++) {
    const record: HistoryRecord = {
      schema: RESULT_SCHEMA,
      series: 'bench',
      commit: null,
      recordedAt: '',
      measurement: drawMeasurement(gauss, baseJ, s.cv, s.repeat),
      normalization: null
    }
    const run = drawMeasurement(gauss, baseJ * (1 + s.change), s.cv, s.repeat)
    const j = judge({
      run: { measurement: run, normalization: null },
      baseline: { record, reason: 'bench' },
      budget,
      carbonIntensity: null,
      pue: 1,
      noiseFloor: s.floor
    })
    if (s.measure(j)) hits++
  }
  return hits / TRIALS
}

function main(): number {
  console.log(
    `joulegate gate benchmark: ${TRIALS} simulated comparisons per row, seed ${SEED}, lognormal noise`
  )
  let missed = 0
  const rows: string[][] = [['scenario', 'rate', 'goal', 'met']]
  for (const s of SCENARIOS) {
    // rows with the same simulated conditions share their draws, so their rates add up
    const condition = `${s.change}/${s.repeat}/${s.cv}`
    const rate = runScenario(
      s,
      SEED + [...condition].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 0)
    )
    const goal = s.goal ? `${s.goal.op} ${(s.goal.value * 100).toFixed(0)}%` : '(info)'
    const met = s.goal ? (s.goal.op === '≤' ? rate <= s.goal.value : rate >= s.goal.value) : null
    if (met === false) missed++
    rows.push([s.name, `${(rate * 100).toFixed(2)}%`, goal, met === null ? '' : met ? 'yes' : 'NO'])
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  '))
  console.log(missed === 0 ? 'All goals met.' : `${missed} goal(s) missed.`)
  return missed === 0 ? 0 : 1
}

process.exitCode = main()
