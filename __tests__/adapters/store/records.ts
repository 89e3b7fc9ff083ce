// Builds valid history records and calibrations for the store tests.
import {
  CALIBRATION_SCHEMA,
  MEASUREMENT_SCHEMA,
  RESULT_SCHEMA,
  type Calibration,
  type HistoryRecord
} from '../../../src/core/types.js'

export interface RecordSpec {
  commit?: string | null
  recordedAt?: string
  energyJ?: number
  exitCode?: number | null
  interrupted?: boolean
  series?: string
  tag?: string
}

export function makeRecord(spec: RecordSpec = {}): HistoryRecord {
  const energyJ = spec.energyJ ?? 1000
  return {
    schema: RESULT_SCHEMA,
    series: spec.series ?? 'default',
    commit: spec.commit === undefined ? 'a'.repeat(40) : spec.commit,
    recordedAt: spec.recordedAt ?? '2026-01-01T00:00:00.000Z',
    measurement: {
      schema: MEASUREMENT_SCHEMA,
      command: `train ${spec.tag ?? ''}`.trim(),
      exitCode: spec.exitCode === undefined ? 0 : spec.exitCode,
      interrupted: spec.interrupted,
      startedAt: spec.recordedAt ?? '2026-01-01T00:00:00.000Z',
      durationS: 10,
      energyJ,
      idlePowerW: null,
      netEnergyJ: null,
      components: [
        {
          id: 'cpu0',
          kind: 'cpu',
          name: 'package-0',
          method: 'estimate',
          source: 'estimate',
          energyJ,
          meanPowerW: energyJ / 10
        }
      ],
      metrics: { acc: 0.5 },
      progress: [],
      host: { fingerprint: 'f'.repeat(16), cpu: 'cpu', gpus: [] }
    },
    normalization: null
  }
}

export function makeCalibration(createdAt: string, energyJ = 500): Calibration {
  return {
    schema: CALIBRATION_SCHEMA,
    createdAt,
    host: {
      fingerprint: 'f'.repeat(16),
      cpu: 'cpu',
      gpus: [{ name: 'NVIDIA A40', powerLimitW: 300 }]
    },
    idlePowerW: 95,
    points: [{ workload: 'crnn-b16', energyJ, durationS: 30, meanPowerW: energyJ / 30 }]
  }
}
