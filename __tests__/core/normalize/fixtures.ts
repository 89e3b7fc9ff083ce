// Synthetic calibrations whose log ratio is a known function of local power, so each model's
// answer can be checked against the rule that generated the data.
import { CALIBRATION_SCHEMA, MEASUREMENT_SCHEMA } from '../../../src/core/types.js'
import type { Calibration } from '../../../src/core/types.js'
import type { MeasurementInput } from '../../../src/core/normalize/index.js'

export interface PointSpec {
  workload: string
  powerW: number
  durationS: number
  ratio: number
  params?: number
  flops?: number
}

export function makePair(
  specs: PointSpec[],
  refScale = 1
): { local: Calibration; reference: Calibration } {
  const base = (gpu: string, limit: number): Calibration => ({
    schema: CALIBRATION_SCHEMA,
    createdAt: '2026-11-27T00:00:00.000Z',
    host: { fingerprint: gpu, cpu: 'cpu', gpus: [{ name: gpu, powerLimitW: limit }] },
    idlePowerW: null,
    points: []
  })
  const local = base('local-gpu', 300)
  const reference = base('ref-gpu', 700)
  for (const s of specs) {
    const energyJ = s.powerW * s.durationS
    const extra = {
      ...(s.params ? { params: s.params } : {}),
      ...(s.flops ? { flops: s.flops } : {})
    }
    local.points.push({
      workload: s.workload,
      energyJ,
      durationS: s.durationS,
      meanPowerW: s.powerW,
      ...extra
    })
    const refEnergy = energyJ * s.ratio * refScale
    const refDuration = s.durationS / 2
    reference.points.push({
      workload: s.workload,
      energyJ: refEnergy,
      durationS: refDuration,
      meanPowerW: refEnergy / refDuration,
      ...extra
    })
  }
  return { local, reference }
}

export function makeMeasurement(
  powerW: number,
  durationS: number,
  metrics: Record<string, number> = {}
): MeasurementInput {
  return {
    energyJ: powerW * durationS,
    durationS,
    components: [
      { kind: 'gpu', energyJ: powerW * durationS, meanPowerW: powerW, powerLimitW: 300 }
    ],
    metrics
  }
}

export function measurementJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: MEASUREMENT_SCHEMA,
    command: 'python train.py',
    exitCode: 0,
    startedAt: '2026-11-27T00:00:00.000Z',
    durationS: 100,
    energyJ: 20000,
    idlePowerW: null,
    netEnergyJ: null,
    components: [
      {
        id: 'gpu0',
        kind: 'gpu',
        name: 'A40',
        method: 'counter',
        source: 'nvml',
        energyJ: 15000,
        meanPowerW: 150,
        powerLimitW: 300
      }
    ],
    metrics: { params: 1e6 },
    progress: [],
    host: { fingerprint: 'x', cpu: 'c', gpus: ['A40'] },
    ...overrides
  }
}

/** ln ratio = a + b·ln(power): the law the log-log model assumes. */
export const powerLaw =
  (a: number, b: number) =>
  (powerW: number): number =>
    Math.exp(a + b * Math.log(powerW))
