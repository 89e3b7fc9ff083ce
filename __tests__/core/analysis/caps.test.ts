import { describe, expect, it } from '@jest/globals'
import { quantile } from 'simple-statistics'
import {
  computeCaps,
  computeParetoFront,
  parseNumberCell,
  resolveReferenceKwh,
  type CapsTable
} from '../../../src/core/analysis/caps.js'
import { UsageError } from '../../../src/core/errors.js'

// numpy.quantile(x, p) with the default method 'linear': h = (n - 1) p, x[floor h] + (h - floor h)(x[ceil h] - x[floor h])
describe('quantile matches numpy linear interpolation', () => {
  it.each([
    { x: [1, 2, 3, 4], p: 0.25, expected: 1.75 }, // h = 0.75
    { x: [1, 2, 3, 4], p: 0.5, expected: 2.5 }, // h = 1.5
    { x: [10, 20, 40], p: 0.25, expected: 15 }, // h = 0.5
    { x: [3, 1, 2, 5, 4], p: 0.5, expected: 3 }, // unsorted, h = 2
    { x: [0.8, 0.2, 1.4, 3.0, 1.0, 2.2], p: 0.25, expected: 0.85 } // sorted 0.2 0.8 1.0 ..., h = 1.25
  ])('quantile($x, $p) = $expected', ({ x, p, expected }) => {
    expect(quantile(x, p)).toBeCloseTo(expected, 12)
  })
})

const table = (csvRows: string[][]): CapsTable => {
  const [columns, ...rows] = csvRows
  return {
    columns: columns!,
    rows: rows.map((r) => Object.fromEntries(columns!.map((c, i) => [c, r[i] ?? ''])))
  }
}

// six systems; "E" has no energy, "F" is filtered out by --where
const systems = table([
  ['system', 'psds', 'kwh', 'params', 'kind'],
  ['A', '0.50', '1.0', '100', 'single'],
  ['B', '0.60', '4.0', '400', 'single'],
  ['C', '0.55', '2.0', '150', 'single'],
  ['D', '0.40', '0.5', '50', 'single'],
  ['E', '0.70', 'None', '90', 'single'],
  ['F', '0.90', '0.1', '10', 'ensemble']
])

describe('computeCaps', () => {
  // kwh over A B C D (E lacks energy, F filtered): sorted 0.5 1 2 4; median h=1.5 -> 1.5; p25 h=0.75 -> 0.875
  it.each([
    { cost: 'kwh', level: 'all', cap: 4, best: 0.6, label: 'B', under: 4 },
    { cost: 'kwh', level: 'median', cap: 1.5, best: 0.5, label: 'A', under: 2 },
    { cost: 'kwh', level: 'p25', cap: 0.875, best: 0.4, label: 'D', under: 1 },
    // params over A B C D E: sorted 50 90 100 150 400; median 100; p25 h=1 -> 90
    { cost: 'params', level: 'all', cap: 400, best: 0.7, label: 'E', under: 5 },
    { cost: 'params', level: 'median', cap: 100, best: 0.7, label: 'E', under: 3 },
    { cost: 'params', level: 'p25', cap: 90, best: 0.7, label: 'E', under: 2 }
  ])(
    '$cost at $level: cap $cap, best $best ($label)',
    ({ cost, level, cap, best, label, under }) => {
      const result = computeCaps(systems, {
        score: 'psds',
        costs: ['kwh', 'params'],
        where: [{ column: 'kind', value: 'single' }],
        label: 'system'
      })
      const row = result.rows.find((r) => r.cost === cost && r.level === level)!
      expect(row.cap).toBeCloseTo(cap, 12)
      expect(row.best).toBe(best)
      expect(row.label).toBe(label)
      expect(row.rowsUnderCap).toBe(under)
      expect(result.rowsMatched).toBe(5)
    }
  )

  it('keeps a system whose cost equals the cap (cost <= cap)', () => {
    const t = table([
      ['system', 's', 'c'],
      ['X', '0.9', '2'],
      ['Y', '0.1', '1'],
      ['Z', '0.2', '3']
    ])
    const row = computeCaps(t, { score: 's', costs: ['c'] }).rows.find((r) => r.level === 'median')!
    expect(row.cap).toBe(2)
    expect(row.label).toBe('X')
  })

  it('ANDs repeated --where clauses', () => {
    const r = computeCaps(systems, {
      score: 'psds',
      costs: ['kwh'],
      where: [
        { column: 'kind', value: 'single' },
        { column: 'system', value: 'C' }
      ]
    })
    expect(r.rowsMatched).toBe(1)
    expect(r.rows[0]!.label).toBe('C')
  })

  it.each([
    { options: { score: 'psds1', costs: ['kwh'] }, flag: '--score' },
    { options: { score: 'psds', costs: ['energy'] }, flag: '--cost' },
    {
      options: { score: 'psds', costs: ['kwh'], where: [{ column: 'team', value: 'x' }] },
      flag: '--where'
    },
    { options: { score: 'psds', costs: ['kwh'], label: 'name' }, flag: '--label' }
  ])('an unknown column for $flag names the flag and lists the columns', ({ options, flag }) => {
    expect(() => computeCaps(systems, options)).toThrow(UsageError)
    expect(() => computeCaps(systems, options)).toThrow(
      new RegExp(`^${flag}: .*available columns: system, psds, kwh, params, kind$`)
    )
  })
})

describe('computeParetoFront', () => {
  it.each([
    {
      name: 'drops dominated systems and the worse of two at the same cost',
      points: [
        { label: 'a', cost: 1, score: 0.5 },
        { label: 'b', cost: 2, score: 0.4 },
        { label: 'c', cost: 2, score: 0.7 },
        { label: 'd', cost: 3, score: 0.7 },
        { label: 'e', cost: 0.5, score: 0.2 }
      ],
      front: ['e', 'a', 'c']
    },
    {
      name: 'one point is its own front',
      points: [{ label: 'x', cost: 5, score: 0.1 }],
      front: ['x']
    },
    { name: 'no points', points: [], front: [] }
  ])('$name', ({ points, front }) => {
    expect(computeParetoFront(points).map((p) => p.label)).toEqual(front)
  })
})

describe('energy-weighted score', () => {
  it.each([
    { reference: '2', expectedKwh: 2 },
    { reference: 'C', expectedKwh: 2 }, // the label of the row whose energy is the reference
    { reference: 'A', expectedKwh: 1 }
  ])('reference $reference -> $expectedKwh kWh', ({ reference, expectedKwh }) => {
    expect(resolveReferenceKwh(systems, reference, 'kwh', 'system')).toBe(expectedKwh)
  })

  it('rejects a reference that is neither a positive number nor a row with energy', () => {
    expect(() => resolveReferenceKwh(systems, 'E', 'kwh', 'system')).toThrow(
      /--ew-reference: got "E"/
    )
    expect(() => resolveReferenceKwh(systems, '0', 'kwh', 'system')).toThrow(/positive/)
  })

  it('weights each score by E_ref / E and sorts best first', () => {
    const r = computeCaps(systems, {
      score: 'psds',
      costs: ['kwh'],
      label: 'system',
      energyWeighted: { energyColumn: 'kwh', referenceKwh: 2, reference: 'C' }
    })
    const byLabel = Object.fromEntries(
      r.energyWeighted!.systems.map((s) => [s.label, s.energyWeighted])
    )
    expect(byLabel).toEqual({ F: 0.9 * 20, D: 0.4 * 4, A: 0.5 * 2, C: 0.55, B: 0.3 })
    expect(r.energyWeighted!.systems[0]!.label).toBe('F')
  })
})

describe('parseNumberCell', () => {
  it.each([
    ['1.5', 1.5],
    [' 3e2 ', 300],
    ['', null],
    ['None', null],
    ['nan', null],
    ['0.3 (0.2 - 0.4)', null],
    ['-2', -2]
  ])('%j -> %j', (cell, expected) => {
    expect(parseNumberCell(cell)).toBe(expected)
  })
})
