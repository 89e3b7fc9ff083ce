import { describe, expect, it } from '@jest/globals'
import { poolBaselineRecords } from '../../../src/core/compare/baseline.js'
import type { HistoryRecord } from '../../../src/core/types.js'
import { makeRecord } from './records.js'

describe('poolBaselineRecords', () => {
  const at = (
    energyJ: number,
    recordedAt: string,
    normalizedEnergyJ: number | null = null
  ): HistoryRecord => {
    const r = makeRecord({ commit: 'a'.repeat(40), recordedAt })
    return {
      ...r,
      measurement: {
        ...r.measurement,
        energyJ,
        durationS: 10,
        idlePowerW: null,
        netEnergyJ: null,
        components: [
          {
            id: 'gpu0',
            kind: 'gpu',
            name: 'GPU',
            method: 'counter',
            source: 'nvml',
            energyJ,
            meanPowerW: energyJ / 10
          }
        ]
      },
      normalization:
        normalizedEnergyJ === null
          ? null
          : {
              normalizedEnergyJ,
              interval: [normalizedEnergyJ * 0.9, normalizedEnergyJ * 1.1],
              model: 'loo-weighted',
              looError: 0.05,
              pointsUsed: ['a', 'b'],
              reference: 'ref'
            }
    }
  }

  it.each([
    { name: 'none', records: [], want: null },
    {
      name: 'one record is returned as is',
      records: [at(100, '2026-01-01T00:00:00Z')],
      want: { energyJ: 100, n: undefined }
    },
    {
      name: 'three records pool to their mean with a spread',
      records: [
        at(90, '2026-01-01T00:00:00Z'),
        at(100, '2026-01-02T00:00:00Z'),
        at(110, '2026-01-03T00:00:00Z')
      ],
      want: { energyJ: 100, n: 3 }
    }
  ])('$name', ({ records, want }) => {
    const pooled = poolBaselineRecords(records)
    if (want === null) return expect(pooled).toBeNull()
    expect(pooled!.measurement.energyJ).toBeCloseTo(want.energyJ, 9)
    expect(pooled!.measurement.repeat?.n).toBe(want.n)
    const parts = pooled!.measurement.components.reduce((s, c) => s + c.energyJ, 0)
    expect(parts).toBeCloseTo(pooled!.measurement.energyJ, 9)
    if (want.n) expect(pooled!.measurement.repeat!.cv).toBeCloseTo(10 / 100, 9)
  })

  it('averages normalised energy, pooling only records on the same basis as the newest', () => {
    const both = poolBaselineRecords([
      at(90, '2026-01-01T00:00:00Z', 180),
      at(110, '2026-01-02T00:00:00Z', 220)
    ])
    expect(both!.normalization!.normalizedEnergyJ).toBeCloseTo(200, 9)
    // a record without normalisation is not pooled with one that has it: both sides stay on one basis
    const mixed = poolBaselineRecords([
      at(90, '2026-01-01T00:00:00Z'),
      at(110, '2026-01-02T00:00:00Z', 220)
    ])
    expect(mixed!.normalization!.normalizedEnergyJ).toBe(220)
    expect(mixed!.measurement.energyJ).toBe(110)
    expect(mixed!.measurement.repeat).toBeUndefined()
  })
})
