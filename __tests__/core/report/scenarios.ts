// The pull requests a reviewer meets, as check results built from a real capture: an H100 run
// measured by NVML (__tests__/fixtures/real-h100-measurement.json), scaled to a small
// sound-event-detection training that reports psds1 per epoch. Each scenario goes through the
// same judgement and rendering as `check` and mode `report`.
import { readFileSync } from 'node:fs'
import { parseBudget } from '../../../src/core/judge/budget/parse-budget.js'
import {
  RESULT_SCHEMA,
  type Component,
  type HistoryRecord,
  type Measurement,
  type Normalization
} from '../../../src/core/types.js'
import { analyseProgress } from '../../../src/usecases/progress-analysis.js'
import { buildCheckResult, type CheckResult } from '../../../src/usecases/result-file.js'
import { parseSettings } from '../../../src/core/settings.js'

const REAL = JSON.parse(
  readFileSync(new URL('../../fixtures/real-h100-measurement.json', import.meta.url), 'utf8')
) as Measurement

const BUDGET = `metrics:
  psds1: higher
budget:
  energy-increase: 10%
  price:
    metric: psds1
    kwh-per-unit: 0.05
  co2-grams: 50
`

export const BASE_COMMIT = '3f9c2e1a7b5d4c6e8f0a1b2c3d4e5f6a7b8c9d0e'
const HEAD_COMMIT = '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807'

export interface SideSpec {
  /** energy of the run, J */
  energyJ: number
  durationS: number
  /** psds1 after each epoch */
  psds1: number[]
  /** keep only the NVML-measured GPU (the capture's CPU and RAM are estimates) */
  gpuOnly?: boolean
  /** every component estimated: a host with no readable sensor */
  estimateOnly?: boolean
  repeat?: { n: number; cv: number }
  exit?: Partial<Pick<Measurement, 'exitCode' | 'signal' | 'interrupted'>>
  params?: number
  /** another runner: its fingerprint and GPU */
  host?: { fingerprint: string; gpu: string }
  /** normalised energy / measured energy on this side's runner (its calibration) */
  normFactor?: number
}

function scaleComponents(components: Component[], spec: SideSpec): Component[] {
  let kept = components
  if (spec.gpuOnly) kept = components.filter((c) => c.method !== 'estimate')
  if (spec.estimateOnly)
    kept = components
      .filter((c) => c.method === 'estimate')
      .map((c) => ({ ...c, notes: [...(c.notes ?? [])] }))
  const total = kept.reduce((s, c) => s + c.energyJ, 0)
  return kept.map((c) => {
    const energyJ = (c.energyJ / total) * spec.energyJ
    return { ...c, energyJ, meanPowerW: energyJ / spec.durationS }
  })
}

/** The capture, scaled: the same sensors and host, this training's energy, runtime and psds1. */
export function makeMeasurement(spec: SideSpec): Measurement {
  const components = scaleComponents(REAL.components, spec)
  const epochs = spec.psds1.length
  const m: Measurement = {
    ...REAL,
    command: 'python train_sed.py --epochs 3',
    durationS: spec.durationS,
    energyJ: spec.energyJ,
    idlePowerW: spec.estimateOnly ? 9.2 : (REAL.idlePowerW ?? null),
    netEnergyJ: null,
    components,
    metrics: {
      psds1: spec.psds1[epochs - 1]!,
      params: spec.params ?? 1_112_420,
      macs: 930_902_000,
      epoch: epochs,
      // a 3-epoch smoke run of a 30-epoch training
      planned_epochs: 30
    },
    progress: spec.psds1.map((v, i) => ({
      elapsedS: (spec.durationS * (i + 1)) / epochs,
      energyJ: (spec.energyJ * (i + 1)) / epochs,
      values: { epoch: i + 1, psds1: v }
    })),
    host: spec.host
      ? { ...REAL.host, fingerprint: spec.host.fingerprint, gpus: [spec.host.gpu] }
      : spec.estimateOnly
        ? { ...REAL.host, fingerprint: 'c0ffee0012345678', gpus: [] }
        : REAL.host,
    notices: spec.estimateOnly
      ? [
          'RAPL: no /sys/class/powercap (ENOENT); using the CPU estimate',
          'no energy counter or power sensor could be read: CPU and RAM are estimated'
        ]
      : spec.gpuOnly
        ? []
        : REAL.notices,
    ...spec.exit
  }
  if (m.idlePowerW !== null) m.netEnergyJ = m.energyJ - m.idlePowerW * m.durationS
  if (spec.repeat)
    m.repeat = {
      n: spec.repeat.n,
      meanJ: spec.energyJ,
      sdJ: spec.energyJ * spec.repeat.cv,
      cv: spec.repeat.cv,
      meanDurationS: spec.durationS
    }
  return m
}

const normalizationOf = (energyJ: number, factor: number): Normalization => ({
  normalizedEnergyJ: energyJ * factor,
  interval: [energyJ * factor * 0.97, energyJ * factor * 1.03],
  model: 'kernel',
  looError: 0.04,
  pointsUsed: ['matmul-fp16', 'conv2d', 'memcpy'],
  reference: 'NVIDIA A100-SXM4-40GB'
})

function recordOf(
  m: Measurement,
  commit: string,
  at: string,
  normFactor: number | null
): HistoryRecord {
  const normalized = normFactor !== null
  return {
    schema: RESULT_SCHEMA,
    series: 'default',
    commit,
    branch: commit === BASE_COMMIT ? 'main' : 'psds-augment',
    recordedAt: at,
    runner: 'gpu-h100-1',
    measurement: m,
    normalization: normalized ? normalizationOf(m.energyJ, normFactor) : null,
    calibrationCreatedAt: normalized ? '2026-11-20T09:00:00.000Z' : null
  }
}

export interface Scenario {
  run: SideSpec
  base: SideSpec | null
  normalized?: boolean
}

/** A check result as `check` writes it, judged by the base branch's budget. */
export function makeCheckResult(s: Scenario): CheckResult {
  const budget = parseBudget(BUDGET, '.github/joulegate.yml')
  const runM = makeMeasurement(s.run)
  const progress = analyseProgress(runM, budget)
  const base = s.base
    ? recordOf(
        makeMeasurement(s.base),
        BASE_COMMIT,
        '2026-11-26T10:12:00.000Z',
        s.normalized ? (s.base.normFactor ?? 1) : null
      )
    : null
  const reason = base
    ? `the pull request's base commit ${BASE_COMMIT.slice(0, 7)} has a record`
    : `no record of series default on the base commit ${BASE_COMMIT.slice(0, 7)} or its 50 ancestors`
  return buildCheckResult({
    settings: parseSettings({}),
    record: recordOf(
      runM,
      HEAD_COMMIT,
      '2026-11-27T08:15:30.000Z',
      s.normalized ? (s.run.normFactor ?? 1) : null
    ),
    baseline: base ? { record: base, reason, commit: BASE_COMMIT } : null,
    baselineReason: reason,
    budget,
    noiseFloor: null,
    projection: progress.projection,
    curveSentence: progress.sentence,
    notes: progress.notes
  })
}

// 5.08 Wh on main (about 300 W for a minute); the pull request spent 35% more and
// psds1 did not move
const BASE_J = 18_300
const BASE_S = 61.2
const PSDS = [0.31, 0.39, 0.42]
const gpu = (over: Partial<SideSpec>): SideSpec => ({
  energyJ: BASE_J,
  durationS: BASE_S,
  psds1: PSDS,
  gpuOnly: true,
  ...over
})

export const SCENARIOS: Record<string, Scenario> = {
  pass: {
    run: gpu({ energyJ: BASE_J * 0.96, durationS: 59.4, repeat: { n: 3, cv: 0.012 } }),
    base: gpu({ repeat: { n: 3, cv: 0.011 } })
  },
  fail: {
    run: gpu({ energyJ: BASE_J * 1.35, durationS: 82.6 }),
    base: gpu({})
  },
  'price-pass': {
    run: gpu({
      energyJ: BASE_J * 1.35,
      durationS: 82.6,
      psds1: [0.33, 0.44, 0.5],
      params: 1_480_004
    }),
    base: gpu({})
  },
  inconclusive: {
    run: gpu({ energyJ: BASE_J * 1.08, durationS: 66.1 }),
    base: gpu({})
  },
  'no-baseline': { run: gpu({}), base: null },
  crashed: {
    run: gpu({ energyJ: BASE_J * 0.4, durationS: 24.5, psds1: [0.3], exit: { exitCode: 1 } }),
    base: gpu({})
  },
  cancelled: {
    run: gpu({
      energyJ: BASE_J * 0.6,
      durationS: 37,
      psds1: [0.3, 0.38],
      exit: { exitCode: null, signal: 'SIGINT', interrupted: true }
    }),
    base: gpu({})
  },
  'estimate-only': {
    // a laptop or shared CI host without readable counters: every figure is a model's estimate,
    // and psds1 was 0 after the first epoch
    run: {
      energyJ: 2_150,
      durationS: 96,
      psds1: [0, 0.12, 0.2],
      estimateOnly: true
    },
    base: { energyJ: 1_590, durationS: 71, psds1: [0, 0.1, 0.2], estimateOnly: true }
  },
  normalised: {
    // base recorded on another calibrated runner: compared on the reference scale
    run: gpu({ energyJ: BASE_J * 0.85, durationS: 52, normFactor: 0.8 }),
    base: gpu({
      energyJ: BASE_J * 1.6,
      durationS: 98,
      host: { fingerprint: '7f3e0a1b2c3d4e5f', gpu: 'NVIDIA A100-SXM4-40GB' },
      normFactor: 0.5
    }),
    normalized: true
  }
}
