import { describe, expect, it } from '@jest/globals'
import { summariseNodes } from '../../src/core/report/node-breakdown.js'
import { renderNodeBreakdown } from '../../src/core/report/report-tables.js'
import { summarizeMeasurement } from '../../src/core/report/measurement-summary.js'
import { MEASUREMENT_SCHEMA } from '../../src/core/types.js'
import { coverageOf, hostOf, parseWindowAnswers } from '../../src/sensors/prometheus/parse.js'
import {
  buildInventoryQuery,
  buildWindowQueries,
  formatRange,
  normaliseSelector
} from '../../src/sensors/prometheus/queries.js'

const gpuLabels = (host: string, gpu: number, instance = `${host}:9400`) => ({
  Hostname: host,
  instance,
  gpu: String(gpu),
  UUID: `GPU-${host}-${gpu}`,
  modelName: 'NVIDIA H100 80GB HBM3'
})
const sample = (labels: Record<string, string>, part: string, value: number) => ({
  metric: { ...labels, joulegate_part: part },
  value: [1764680000, String(value)] as [number, string]
})

describe('cluster queries', () => {
  it.each([
    [null, ''],
    ['', ''],
    ['hpc_job="4242"', 'hpc_job="4242"'],
    ['{Hostname=~"gpu-node-0[1-4]"}', 'Hostname=~"gpu-node-0[1-4]"'],
    [' namespace="ml", pod=~"train-.*" ', 'namespace="ml", pod=~"train-.*"']
  ])('selector %j becomes matchers %j', (input, expected) => {
    expect(normaliseSelector(input)).toBe(expected)
  })

  it.each(['up{job="x"}', 'DCGM_FI_DEV_GPU_UTIL', '"4242"'])(
    'refuses %j as a selector, naming it',
    (bad) => {
      expect(() => normaliseSelector(bad)).toThrow(
        /prometheus-selector: got .*expected label matchers/
      )
    }
  )

  it.each([
    [20, '20000ms'],
    [20.4567, '20457ms'],
    [0, '1ms']
  ])('a window of %p s is the range %s', (s, range) => {
    expect(formatRange(s)).toBe(range)
  })

  it('puts the selector in every series selector of every query', () => {
    const sel = 'hpc_job="4242"'
    const q = buildWindowQueries(sel, 120)
    for (const text of [q.dcgm, q.rapl, q.kepler, buildInventoryQuery(sel)]) {
      const selectors = text.match(/\{[^}]*\}/g) ?? []
      expect(selectors.length).toBeGreaterThan(0)
      for (const s of selectors) expect(s).toContain(sel)
    }
    expect(q.dcgm).toContain(
      'max by (Hostname, instance, gpu, UUID, modelName) (increase(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{hpc_job="4242"}[120000ms]))'
    )
    expect(q.dcgm).toContain('count_over_time(')
    expect(q.dcgm).toContain('resets(')
    expect(q.rapl).toContain('node_rapl_dram_joules_total{hpc_job="4242"}[120000ms]')
  })
})

describe('parseWindowAnswers', () => {
  const ctx = { windowS: 20, intervalS: 1 }

  it('makes one component per GPU in J from DCGM mJ, with node, UUID, coverage and mean power', () => {
    const { components } = parseWindowAnswers(
      {
        dcgm: [
          sample(gpuLabels('n2', 0), 'increase', 6_000_000),
          sample(gpuLabels('n2', 0), 'samples', 21),
          sample(gpuLabels('n2', 0), 'resets', 0),
          sample(gpuLabels('n1', 1), 'increase', 4_000_000),
          sample(gpuLabels('n1', 1), 'samples', 20)
        ],
        rapl: [],
        kepler: []
      },
      ctx
    )
    expect(components).toEqual([
      expect.objectContaining({
        id: 'n1/gpu1',
        host: 'n1',
        energyJ: 4000,
        meanPowerW: 200,
        coverage: 1,
        samples: 20,
        uuid: 'GPU-n1-1',
        source: 'prometheus:dcgm',
        method: 'counter',
        kind: 'gpu'
      }),
      expect.objectContaining({ id: 'n2/gpu0', energyJ: 6000, coverage: 1, samples: 21 })
    ])
    expect(components[0]!.notes).toBeUndefined()
  })

  it('counts a GPU scraped by two jobs once (the larger increase), not twice', () => {
    const { components } = parseWindowAnswers(
      {
        dcgm: [
          sample(gpuLabels('n1', 0, 'n1:9400'), 'increase', 5_000_000),
          sample(gpuLabels('n1', 0, 'dcgm.svc:9400'), 'increase', 5_010_000),
          sample(gpuLabels('n1', 0, 'n1:9400'), 'samples', 20)
        ],
        rapl: [],
        kepler: []
      },
      ctx
    )
    expect(components).toHaveLength(1)
    expect(components[0]!.energyJ).toBeCloseTo(5010)
  })

  it('keeps a GPU that left mid-window with its coverage and says so; names counter resets', () => {
    const { components } = parseWindowAnswers(
      {
        dcgm: [
          sample(gpuLabels('n1', 0), 'increase', 2_000_000),
          sample(gpuLabels('n1', 0), 'samples', 9),
          sample(gpuLabels('n1', 1), 'increase', 4_000_000),
          sample(gpuLabels('n1', 1), 'samples', 20),
          sample(gpuLabels('n1', 1), 'resets', 2)
        ],
        rapl: [],
        kepler: []
      },
      ctx
    )
    expect(components[0]).toMatchObject({ coverage: 0.45, energyJ: 2000 })
    expect(components[0]!.notes).toEqual([
      expect.stringMatching(/n1\/gpu0: scraped for 45% of the window/)
    ])
    expect(components[1]!.notes).toEqual([
      expect.stringMatching(/n1\/gpu1: counter reset 2 time\(s\)/)
    ])
  })

  it('reads RAPL package and DRAM zones per node and adds Kepler only on nodes nothing else measured', () => {
    const rapl = (host: string, zone: string, j: number) => [
      sample(
        { Hostname: host, instance: `${host}:9100`, index: '0', path: `/x/${zone}`, zone },
        'increase',
        j
      ),
      sample(
        { Hostname: host, instance: `${host}:9100`, index: '0', path: `/x/${zone}`, zone },
        'samples',
        20
      )
    ]
    const { components, notes } = parseWindowAnswers(
      {
        dcgm: [
          sample(gpuLabels('n1', 0), 'increase', 1_000_000),
          sample(gpuLabels('n1', 0), 'samples', 20)
        ],
        rapl: [...rapl('n1', 'package', 2400), ...rapl('n1', 'dram', 300)],
        kepler: [
          sample({ instance: 'n1:9102' }, 'increase', 5000),
          sample({ instance: 'cpu-only:9102' }, 'increase', 900),
          sample({ instance: 'cpu-only:9102' }, 'samples', 20)
        ]
      },
      ctx
    )
    expect(components.map((c) => [c.id, c.kind, c.source, c.energyJ])).toEqual([
      ['cpu-only/kepler', 'other', 'prometheus:kepler', 900],
      ['n1/dram0', 'ram', 'prometheus:node-rapl', 300],
      ['n1/gpu0', 'gpu', 'prometheus:dcgm', 1000],
      ['n1/package0', 'cpu', 'prometheus:node-rapl', 2400]
    ])
    expect(notes).toEqual([expect.stringMatching(/n1: Kepler's container energy is not added/)])
  })

  it.each([
    [{ Hostname: 'gpu-07' }, 'gpu-07'],
    [{ instance: '10.0.0.7:9400' }, '10.0.0.7'],
    [{ instance: '[fd00::7]:9400' }, 'fd00::7'],
    [{}, 'unknown-node']
  ])('host of %j is %s', (labels, host) => {
    expect(hostOf(labels)).toBe(host)
  })

  it.each([
    [21, 20, 1, 1],
    [10, 20, 1, 0.5],
    [0, 20, 1, 0],
    [3, 120, 60, 1]
  ])('%p samples in %p s at %p s a scrape cover %p', (n, w, i, c) => {
    expect(coverageOf(n, w, i)).toBeCloseTo(c)
  })

  it('sums nodes for the report with their GPU models and counts', () => {
    const { components } = parseWindowAnswers(
      {
        dcgm: [0, 1].flatMap((g) => [
          sample(gpuLabels('n1', g), 'increase', 1_000_000),
          sample(gpuLabels('n1', g), 'samples', 20)
        ]),
        rapl: [],
        kepler: []
      },
      ctx
    )
    expect(summariseNodes(components)).toEqual([
      { host: 'n1', gpus: 2, models: '2 × NVIDIA H100 80GB HBM3', energyJ: 2000, minCoverage: 1 }
    ])
  })

  it("renders one report row per node, with a vanished node's coverage", () => {
    const { components } = parseWindowAnswers(
      {
        dcgm: [
          ...[0, 1].flatMap((g) => [
            sample(gpuLabels('n1', g), 'increase', 3_600_000_000),
            sample(gpuLabels('n1', g), 'samples', 20)
          ]),
          sample(gpuLabels('n2', 0), 'increase', 1_800_000_000),
          sample(gpuLabels('n2', 0), 'samples', 10)
        ],
        rapl: [],
        kepler: []
      },
      ctx
    )
    const table = renderNodeBreakdown(components)
    expect(table).toContain('| n1 | 2 × NVIDIA H100 80GB HBM3 | 2 kWh | 100.0% |')
    expect(table).toContain('| n2 | 1 × NVIDIA H100 80GB HBM3 | 500 Wh | 50.0% |')
    expect(renderNodeBreakdown([])).toBe('')
  })

  it('sums a 64-node job per node in the measure summary instead of 512 rows', () => {
    const dcgm = Array.from({ length: 64 }, (_, n) =>
      Array.from({ length: 8 }, (_, g) => [
        sample(gpuLabels(`node-${n}`, g), 'increase', 1_000_000),
        sample(gpuLabels(`node-${n}`, g), 'samples', 20)
      ]).flat()
    ).flat()
    const { components } = parseWindowAnswers({ dcgm, rapl: [], kepler: [] }, ctx)
    const text = summarizeMeasurement({
      schema: MEASUREMENT_SCHEMA,
      command: 'sbatch --wait train.sbatch',
      exitCode: 0,
      startedAt: '2026-12-02T00:00:00.000Z',
      durationS: 20,
      energyJ: 512_000,
      idlePowerW: null,
      netEnergyJ: null,
      components,
      metrics: {},
      progress: [],
      host: { fingerprint: 'f', cpu: 'c', gpus: [] }
    })
    expect(text).toMatch(/512 cluster devices/)
    expect(text).toMatch(/node node-63: 2.22 Wh \(8 × NVIDIA H100 80GB HBM3\)/)
    expect(text.split('\n').length).toBeLessThan(100)
  })
})
