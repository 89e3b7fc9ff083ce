// Small builders for measurements and history records, shaped like the contract's examples.
import { EMPTY_BUDGET, type Budget } from '../../../src/core/judge/budget/budget-schema.js'
import {
  MEASUREMENT_SCHEMA,
  RESULT_SCHEMA,
  type HistoryRecord,
  type Measurement,
  type Method,
  type Normalization
} from '../../../src/core/types.js'
import type { JudgeInput } from '../../../src/core/judge/verdict.js'

export const KWH = 3.6e6

export interface MeasurementSpec {
  kwh: number
  metrics?: Record<string, number>
  repeat?: { n: number; cv: number }
  method?: Method
  fingerprint?: string
  durationS?: number
}

export function makeMeasurement(spec: MeasurementSpec): Measurement {
  const energyJ = spec.kwh * KWH
  const method = spec.method ?? 'counter'
  const m: Measurement = {
    schema: MEASUREMENT_SCHEMA,
    command: 'python train.py --epochs 2',
    exitCode: 0,
    startedAt: '2026-11-27T06:41:50.000Z',
    durationS: spec.durationS ?? 61.2,
    energyJ,
    idlePowerW: null,
    netEnergyJ: null,
    components: [
      {
        id: 'gpu0',
        kind: 'gpu',
        name: 'NVIDIA H100 80GB HBM3',
        method,
        source: method === 'estimate' ? 'estimate' : 'nvml',
        energyJ,
        meanPowerW: 500,
        coverage: 0.998,
        samples: 600
      }
    ],
    metrics: spec.metrics ?? {},
    progress: [],
    host: {
      fingerprint: spec.fingerprint ?? 'host-a',
      cpu: 'AMD EPYC 9454',
      gpus: ['NVIDIA H100 80GB HBM3']
    }
  }
  if (spec.repeat)
    m.repeat = {
      n: spec.repeat.n,
      meanJ: energyJ,
      sdJ: energyJ * spec.repeat.cv,
      cv: spec.repeat.cv,
      meanDurationS: m.durationS
    }
  return m
}

export function makeNormalization(kwh: number, spread = 0.1): Normalization {
  return {
    normalizedEnergyJ: kwh * KWH,
    interval: [kwh * (1 - spread) * KWH, kwh * (1 + spread) * KWH],
    model: 'loglinear-2pt',
    looError: 0.05,
    pointsUsed: ['a', 'b'],
    reference: 'ref'
  }
}

export function makeRecord(
  spec: MeasurementSpec & { commit?: string; normalizedKwh?: number }
): HistoryRecord {
  return {
    schema: RESULT_SCHEMA,
    series: 'default',
    commit: spec.commit ?? 'a1b2c3d4e5f6a7b8',
    recordedAt: '2026-11-26T00:00:00.000Z',
    runner: 'gpu-runner-1',
    measurement: makeMeasurement(spec),
    normalization: spec.normalizedKwh === undefined ? null : makeNormalization(spec.normalizedKwh)
  }
}

export function makeBudget(over: Partial<Budget>): Budget {
  return { ...EMPTY_BUDGET, source: '.github/joulegate.yml', ...over }
}

export function makeInput(over: Partial<JudgeInput> & { run: JudgeInput['run'] }): JudgeInput {
  return {
    series: 'default',
    baseline: null,
    budget: makeBudget({}),
    carbonIntensity: null,
    pue: 1,
    noiseFloor: null,
    now: '2026-11-28T00:00:00.000Z',
    ...over
  }
}
