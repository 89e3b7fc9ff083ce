// npm run bench — the measurement goals of issues 2, 10 and 11, on this machine, in about three minutes:
//   monitor CPU : the monitor's own CPU per wall second while the command sleeps, at a 100 ms
//                 interval, for each emulated sensor set: median of --repeats rounds minus the
//                 median of as many idle Node rounds                           ≤ 0.15% of a core
//   integration : |error| of PowerTimeline on seeded synthetic step traces at 100 ms,
//                 median and max across traces                                  ≤ 1%
//   metrics flood: peak RSS of the built CLI's `measure` while its command writes 1e6 metric
//                 lines of 16 keys (needs `npm run bundle`)                    ≤ 200 MB
//   start-up    : the built CLI's `measure` on a host with no sensors, from its start to the
//                 command's start (≤ 300 ms and ≤ 3× a bare `node -e 0` of the same run), its
//                 CPU until then (≤ 0.3 s) and the child processes it started before (needs
//                 `npm run bundle`)
// A monitor figure over its goal by no more than 3× its noise (the MAD of its rounds) is NOISY:
// reported, not failed (other jobs on a shared machine move single windows by more than the
// goal). Other rows are information. Exits 1 when a goal is missed. Method and figures: docs/benchmarks.md.
//
// Options: --seconds N (length of each CPU window, default 10), --repeats N (rounds, default 3),
// --interval-ms N (default 100), --traces N (default 200), --nvml (also the NVML path through
// the fake helper), --flood-lines N (default 1000000; 0 skips the flood), --startup-runs N
// (default 7; 0 skips start-up), --json FILE (write the figures).
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { markdownTable } from 'markdown-table'
import { runCpuScenarios, type CpuFigure } from './monitor-cpu.js'
import { summariseErrors, type ErrorSummary } from './power-traces.js'
import { runMetricsFlood, type FloodFigure } from './metrics-flood.js'
import { runStartupBench, type StartupFigure } from './startup-bench.js'

const CPU_GOAL_PCT = 0.15
const STARTUP_GOAL_MS = 300
const STARTUP_GOAL_RATIO = 3
const STARTUP_GOAL_CPU_S = 0.3
const INTEGRATION_GOAL_PCT = 1
const FLOOD_GOAL_MB = 200
const FLOOD_GOAL_LINES = 1_000_000
const SEED = 20261127

interface GoalRow {
  figure: string
  value: string
  goal: string
  result: 'PASS' | 'FAIL' | 'NOISY' | 'info'
}

const pct = (v: number | null, digits = 3): string =>
  v === null ? 'n/a' : `${v.toFixed(digits)} %`

function judge(value: number, goal: number): 'PASS' | 'FAIL' {
  return value <= goal ? 'PASS' : 'FAIL'
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** Median absolute deviation: how far a typical round lies from the median, robust to one burst. */
const mad = (xs: number[]): number => {
  const m = median(xs)
  return median(xs.map((x) => Math.abs(x - m)))
}

/** One scenario across rounds. */
interface CpuSummary {
  kind: CpuFigure['kind']
  scenario: string
  sensors: string[]
  rounds: number
  samples: number
  /** own CPU of each round, % of a core */
  raw: number[]
  /** median of the rounds minus the median of the idle Node rounds (monitor windows only) */
  net: number | null
  /** the larger MAD of the scenario's and the idle rounds: this machine's noise on the net figure */
  noise: number
  child: number | null
}

function summariseCpu(figures: CpuFigure[]): CpuSummary[] {
  const idle = figures.filter((f) => f.kind === 'idle').map((f) => f.ownPct)
  const byScenario = new Map<string, CpuFigure[]>()
  for (const f of figures) byScenario.set(f.scenario, [...(byScenario.get(f.scenario) ?? []), f])
  return [...byScenario.values()].map((fs) => {
    const first = fs[0]!
    const raw = fs.map((f) => f.ownPct)
    const children = fs.map((f) => f.childPct).filter((c): c is number => c !== null)
    const isMonitor = first.kind === 'monitor' && idle.length > 0
    return {
      kind: first.kind,
      scenario: first.scenario,
      sensors: first.sensors,
      rounds: fs.length,
      samples: median(fs.map((f) => f.samples)),
      raw,
      net: isMonitor ? median(raw) - median(idle) : null,
      noise: isMonitor ? Math.max(mad(raw), mad(idle)) : mad(raw),
      child: children.length > 0 ? median(children) : null
    }
  })
}

const range = (xs: number[]): string =>
  xs.length > 1 ? ` (${pct(Math.min(...xs))} – ${pct(Math.max(...xs))})` : ''

function cpuTable(summaries: CpuSummary[]): string {
  return markdownTable([
    [
      'window',
      'sensors',
      'rounds',
      'readings',
      'own CPU, raw: median (range)',
      'net of idle median ± noise (MAD)',
      'children'
    ],
    ...summaries.map((s) => [
      s.scenario,
      s.sensors.join(', ') || '—',
      String(s.rounds),
      s.kind === 'idle' ? '—' : String(s.samples),
      pct(median(s.raw)) + range(s.raw),
      s.net === null ? '—' : `${pct(s.net)} ± ${pct(s.noise)}`,
      pct(s.child, 2)
    ])
  ])
}

/**
 * The goal is judged on the median net of idle. Over the goal by no more than three times the
 * noise (MAD across rounds, ~2 standard deviations) is NOISY: this machine cannot tell.
 */
function judgeCpu(s: CpuSummary): GoalRow['result'] {
  const value = s.net ?? Infinity
  if (value <= CPU_GOAL_PCT) return 'PASS'
  return value - 3 * s.noise <= CPU_GOAL_PCT ? 'NOISY' : 'FAIL'
}

function cpuRows(summaries: CpuSummary[], intervalMs: number): GoalRow[] {
  const hasGoal = intervalMs === 100
  return summaries.map((s) => {
    if (s.kind !== 'monitor') {
      const figure =
        s.kind === 'idle'
          ? 'noise floor: idle Node, own CPU, median'
          : `wake-up floor: ${s.scenario.replace(/ \(wake-up floor\)$/, '')}, own CPU`
      return { figure, value: pct(median(s.raw)) + range(s.raw), goal: '—', result: 'info' }
    }
    return {
      figure: `monitor own CPU, net of idle, median of ${s.rounds} — ${s.scenario} @ ${intervalMs} ms`,
      value: `${pct(s.net)} ± ${pct(s.noise)}`,
      goal: hasGoal ? `≤ ${CPU_GOAL_PCT} %` : '— (goal is at 100 ms)',
      result: hasGoal ? judgeCpu(s) : 'info'
    }
  })
}

function startupRows(f: StartupFigure | null): GoalRow[] {
  if (f === null) return []
  const ratio = f.spawnMs / f.bareNodeMs
  const ms = (v: number) => `${v.toFixed(0)} ms`
  const label = `start-up, no sensors, median of ${f.runs}`
  return [
    {
      figure: `${label}: joulegate start → command start`,
      value: `${ms(f.spawnMs)} (${ms(f.spawnMsRange[0])} – ${ms(f.spawnMsRange[1])})`,
      goal: `≤ ${STARTUP_GOAL_MS} ms`,
      result: judge(f.spawnMs, STARTUP_GOAL_MS)
    },
    {
      figure: `${label}: bare \`node -e 0\`, start → exit`,
      value: `${ms(f.bareNodeMs)} (${ms(f.bareNodeMsRange[0])} – ${ms(f.bareNodeMsRange[1])})`,
      goal: '—',
      result: 'info'
    },
    {
      figure: `${label}: ratio to bare Node`,
      value: `${ratio.toFixed(2)} ×`,
      goal: `≤ ${STARTUP_GOAL_RATIO} ×`,
      result: judge(ratio, STARTUP_GOAL_RATIO)
    },
    {
      figure: `${label}: CPU until the command starts (own + reaped children)`,
      value: `${f.cpuS.toFixed(3)} s`,
      goal: `≤ ${STARTUP_GOAL_CPU_S} s`,
      result: judge(f.cpuS, STARTUP_GOAL_CPU_S)
    },
    {
      figure: `${label}: child processes started before the command`,
      value: `${f.childrenBefore}${f.childArgv.length ? ` (${f.childArgv.map((a) => a.split(' ')[0]!.split('/').pop()).join(', ')})` : ''}`,
      goal: '—',
      result: 'info'
    }
  ]
}

function integrationRows(errors: ErrorSummary[]): GoalRow[] {
  const rows: GoalRow[] = []
  for (const e of errors) {
    const hasGoal = e.intervalMs === 100
    const label = `integration |error| @ ${e.intervalMs} ms, ${e.traces} traces`
    const goal = hasGoal ? `≤ ${INTEGRATION_GOAL_PCT} %` : '—'
    const result = (v: number): GoalRow['result'] =>
      hasGoal ? judge(v, INTEGRATION_GOAL_PCT) : 'info'
    rows.push(
      { figure: `${label}: median`, value: pct(e.medianPct), goal, result: result(e.medianPct) },
      { figure: `${label}: max`, value: pct(e.maxPct), goal, result: result(e.maxPct) }
    )
    if (!hasGoal) continue
    rows.push(
      { figure: `${label}: mean signed error`, value: pct(e.biasPct), goal: '—', result: 'info' },
      {
        figure: `${label}: running sum (progress), max`,
        value: pct(e.runningMaxPct),
        goal: '—',
        result: 'info'
      }
    )
  }
  return rows
}

function floodRows(f: FloodFigure | null): GoalRow[] {
  if (f === null) return []
  const hasGoal = f.lines >= FLOOD_GOAL_LINES
  const label = `metrics flood, ${f.lines} lines × ${f.keys} keys`
  return [
    {
      figure: `${label}: peak RSS of joulegate measure`,
      value: `${f.peakRssMb.toFixed(1)} MB`,
      goal: hasGoal ? `≤ ${FLOOD_GOAL_MB} MB` : '— (goal is at 1e6 lines)',
      result: hasGoal ? judge(f.peakRssMb, FLOOD_GOAL_MB) : 'info'
    },
    {
      figure: `${label}: final metrics = last line's values`,
      value: f.finalMetricsExact ? 'yes' : 'no',
      goal: 'yes',
      result: f.finalMetricsExact ? 'PASS' : 'FAIL'
    },
    {
      figure: `${label}: progress points kept, measurement file`,
      value: `${f.progressPoints}, ${(f.measurementBytes / 1024).toFixed(0)} KiB`,
      goal: '≤ 1000 points',
      result: f.progressPoints <= 1000 ? 'PASS' : 'FAIL'
    },
    { figure: `${label}: wall time`, value: `${f.wallS.toFixed(1)} s`, goal: '—', result: 'info' }
  ]
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      repeats: { type: 'string', default: '3' },
      'startup-runs': { type: 'string', default: '7' },
      'interval-ms': { type: 'string', default: '100' },
      traces: { type: 'string', default: '200' },
      nvml: { type: 'boolean', default: false },
      'flood-lines': { type: 'string', default: String(FLOOD_GOAL_LINES) },
      json: { type: 'string' }
    }
  })
  const seconds = Number(values.seconds)
  const intervalMs = Number(values['interval-ms'])
  const traces = Number(values.traces)
  const floodLines = Number(values['flood-lines'])
  const repeats = Number(values.repeats)
  const startupRuns = Number(values['startup-runs'])
  for (const [name, v, raw] of [
    ['--flood-lines', floodLines, values['flood-lines']],
    ['--startup-runs', startupRuns, values['startup-runs']],
    ['--repeats', repeats - 1, values.repeats]
  ] as const) {
    if (!(Number.isInteger(v) && v >= 0))
      throw new Error(
        `${name}: expected a whole number >= ${name === '--repeats' ? 1 : 0}, got "${raw}"`
      )
  }
  for (const [name, v] of [
    ['--seconds', seconds],
    ['--interval-ms', intervalMs],
    ['--traces', traces]
  ] as const) {
    if (!(Number.isFinite(v) && v > 0))
      throw new Error(`${name}: expected a positive number, got "${String(v)}"`)
  }
  const started = performance.now()
  // CPU first: the trace work below leaves garbage whose collection would land in a window
  const { figures, settledS } = await runCpuScenarios({
    seconds,
    intervalMs,
    repeats,
    withNvml: values.nvml,
    settleMaxS: 15
  })
  const errors = [...new Set([intervalMs, 500, 1000])].map((ms) =>
    summariseErrors(SEED, traces, ms)
  )
  // last: its garbage and its child's load must not reach the CPU windows
  const flood = floodLines > 0 ? await runMetricsFlood(floodLines) : null
  const startup = startupRuns > 0 ? await runStartupBench(startupRuns) : null
  const summaries = summariseCpu(figures)

  console.log(
    [
      `\nMonitor CPU while \`sleep ${seconds}\` runs under measureCommand, interval ${intervalMs} ms`,
      `(% of one core per wall second, ${repeats} rounds of idle Node then each sensor set; net = the`,
      ` median of a set's rounds minus the median of the idle rounds; noise = median absolute deviation.`,
      ` own = this Node process, process.cpuUsage() user+system.`,
      ` children = CPU of processes reaped in the window (/proc/self/stat cutime+cstime, 10 ms ticks):`,
      ` the \`sleep\` command and the monitor's helpers, here the Node FAKES of nvidia-smi and the NVML`,
      ` helper, so that column shows the accounting, not the cost of a real nvidia-smi.`,
      ` Waited ${settledS.toFixed(1)} s for V8's start-up garbage collection before the first window.)\n`
    ].join('\n')
  )
  console.log(cpuTable(summaries))
  const rows = [
    ...cpuRows(summaries, intervalMs),
    ...integrationRows(errors),
    ...floodRows(flood),
    ...startupRows(startup)
  ]
  if (startup && startup.childArgv.length > 0)
    console.log(`\nStarted before the command: ${startup.childArgv.join('; ')}`)
  console.log('\nGoals (issues 2, 10 and 11)\n')
  console.log(
    markdownTable([
      ['figure', 'value', 'goal', 'result'],
      ...rows.map((r) => [r.figure, r.value, r.goal, r.result])
    ])
  )
  const failed = rows.filter((r) => r.result === 'FAIL')
  const noisy = rows.filter((r) => r.result === 'NOISY')
  console.log(
    `\n${failed.length === 0 ? 'all goals met' : `${failed.length} goal(s) missed`}${noisy.length ? `, ${noisy.length} within this machine's noise (NOISY)` : ''} in ${((performance.now() - started) / 1000).toFixed(1)} s`
  )
  if (values.json)
    writeFileSync(
      values.json,
      JSON.stringify({ cpu: figures, integration: errors, flood, startup, goals: rows }, null, 2) +
        '\n'
    )
  return failed.length === 0 ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(2)
  }
)
