import { describe, expect, it } from '@jest/globals'
import {
  buildGpuListQueries,
  choosePowerField,
  parseGpuListCsv,
  parseHelpQueryGpu,
  parseMigParents,
  parseNvidiaNumber,
  parseNvidiaTimestamp,
  placeNvidiaReading,
  selectVisibleGpus,
  splitCsvLine,
  type NvidiaGpuInfo
} from '../../../src/sensors/nvidia-smi/parse.js'

const HELP = `List of valid properties to query for the switch "--query-gpu=":

"timestamp"
The timestamp of when the query was made in format "YYYY/MM/DD HH:MM:SS.msec".

"name" or "gpu_name"
The official product name of the GPU. This is an alphanumeric string. For all products.

"power.draw"
The last measured power draw for the entire board, in watts. On Ampere or newer devices, returns average power draw over 1 sec.

"power.draw.instant"
The last measured instant power draw for the entire board, in watts.
`

describe('parseHelpQueryGpu / choosePowerField', () => {
  it('reads every quoted field name, aliases included, and not the prose', () => {
    const f = parseHelpQueryGpu(HELP)
    expect([...f].sort()).toEqual([
      'gpu_name',
      'name',
      'power.draw',
      'power.draw.instant',
      'timestamp'
    ])
  })
  it.each([
    {
      fields: ['power.draw', 'power.draw.average', 'power.draw.instant'],
      want: 'power.draw.instant'
    },
    { fields: ['power.draw', 'power.draw.average'], want: 'power.draw' },
    { fields: ['power.draw.average'], want: 'power.draw.average' },
    { fields: ['temperature.gpu'], want: null }
  ])('$fields -> $want', ({ fields, want }) => {
    expect(choosePowerField(new Set(fields))).toBe(want)
  })
})

describe('parseNvidiaNumber', () => {
  it.each([
    { raw: '251.37', want: 251.37 },
    { raw: ' 251.37 W', want: 251.37 },
    { raw: '300.00 W', want: 300 },
    { raw: '[N/A]', want: null },
    { raw: '[Not Supported]', want: null },
    { raw: '[Unknown Error]', want: null },
    { raw: 'N/A', want: null },
    { raw: '', want: null }
  ])('"$raw"', ({ raw, want }) => {
    expect(parseNvidiaNumber(raw)).toBe(want)
  })
})

describe('parseNvidiaTimestamp', () => {
  it.each([
    { raw: '2024/05/14 12:34:56.789', want: Date.UTC(2024, 4, 14, 12, 34, 56, 789) },
    { raw: ' 2026/11/27 00:00:00.005', want: Date.UTC(2026, 10, 27, 0, 0, 0, 5) },
    { raw: '2026/12/31 23:59:59', want: Date.UTC(2026, 11, 31, 23, 59, 59) },
    { raw: '2024-05-14 12:34:56.789', want: null },
    { raw: '2024/13/14 12:34:56.789', want: null },
    { raw: '2024/05/14 24:00:00.000', want: null },
    { raw: '[N/A]', want: null },
    { raw: undefined, want: null }
  ])('"$raw"', ({ raw, want }) => {
    expect(parseNvidiaTimestamp(raw)).toBe(want)
  })
})

describe('placeNvidiaReading', () => {
  // the caller read at 100 s, 1 s after its previous read; wall-clock 1000 s is its 100 s
  const clock = { nowS: 100, offsetS: -900, previousReadS: 99, intervalS: 0.1 }
  it.each([
    { why: 'a stamp in the last second', wall: 999.5, prev: 99.4, want: 99.5, stamped: true },
    { why: "a GPU's first stamp", wall: 999.95, prev: null, want: 99.95, stamped: true },
    {
      why: 'a query begun before the previous read',
      wall: 998.9,
      prev: 98.8,
      want: 98.9,
      stamped: true
    },
    { why: 'unparsable', wall: null, prev: 99.4, want: 99.5, stamped: false },
    {
      why: 'unparsable first reading: the read time',
      wall: null,
      prev: null,
      want: 100,
      stamped: false
    },
    {
      why: 'from the future (clock stepped back)',
      wall: 1003,
      prev: 99.4,
      want: 99.5,
      stamped: false
    },
    {
      why: 'far in the past (clock stepped on)',
      wall: 990,
      prev: 99.4,
      want: 99.5,
      stamped: false
    },
    { why: 'not after the previous reading', wall: 999.3, prev: 99.4, want: 99.5, stamped: false },
    {
      why: 'fallback never passes the read time',
      wall: null,
      prev: 99.98,
      want: 100,
      stamped: false
    }
  ])('$why', ({ wall, prev, want, stamped }) => {
    const r = placeNvidiaReading(wall === null ? null : wall * 1000, { ...clock, previousS: prev })
    expect(r.stamped).toBe(stamped)
    expect(r.t).toBeCloseTo(want, 9)
  })
})

describe('splitCsvLine', () => {
  it.each([
    { line: '0, 251.37', n: 2, want: ['0', '251.37'] },
    {
      line: '0, GPU-a, Quadro RTX 8000, rev 2',
      n: 3,
      want: ['0', 'GPU-a', 'Quadro RTX 8000, rev 2']
    },
    { line: '0', n: 2, want: null }
  ])('$line', ({ line, n, want }) => {
    expect(splitCsvLine(line, n)).toEqual(want)
  })
})

describe('parseGpuListCsv', () => {
  it('reads the header with units and [N/A] limits', () => {
    const text = [
      'index, uuid, pci.bus_id, driver_version, enforced.power.limit [W], name',
      '0, GPU-11111111-2222-3333-4444-555555555555, 00000000:3B:00.0, 535.104.05, 700.00 W, NVIDIA H100 80GB HBM3',
      '1, GPU-66666666-2222-3333-4444-555555555555, 00000000:86:00.0, 535.104.05, [N/A], NVIDIA GeForce GTX 1080',
      ''
    ].join('\n')
    expect(parseGpuListCsv(text)).toEqual([
      {
        index: 0,
        uuid: 'GPU-11111111-2222-3333-4444-555555555555',
        busId: '00000000:3B:00.0',
        name: 'NVIDIA H100 80GB HBM3',
        powerLimitW: 700,
        driver: '535.104.05'
      },
      {
        index: 1,
        uuid: 'GPU-66666666-2222-3333-4444-555555555555',
        busId: '00000000:86:00.0',
        name: 'NVIDIA GeForce GTX 1080',
        powerLimitW: null,
        driver: '535.104.05'
      }
    ])
  })
})

describe('parseGpuListCsv on a minimal emulator', () => {
  const gpu = (index: number, name: string) => ({
    ...{ index, uuid: '', busId: '', name },
    ...{ powerLimitW: null, driver: null }
  })
  it.each([
    [
      'a header, index and name only',
      'index, name\n0, Fake GPU\n1, Fake, GPU\n',
      ['index', 'name'],
      [gpu(0, 'Fake GPU'), gpu(1, 'Fake, GPU')]
    ],
    [
      'no header although csv asked for one',
      '0, Fake GPU\n1, Other\n',
      ['index', 'name'],
      [gpu(0, 'Fake GPU'), gpu(1, 'Other')]
    ],
    ['index only, no header', '0\n1\n', ['index'], [gpu(0, 'NVIDIA GPU'), gpu(1, 'NVIDIA GPU')]],
    ['index only, with header', 'index\n0\n', ['index'], [gpu(0, 'NVIDIA GPU')]]
  ])('%s', (_, text, fields, expected) => {
    expect(parseGpuListCsv(text, fields)).toEqual(expected)
  })
})

describe('buildGpuListQueries', () => {
  it.each([
    [
      'the real help: the full list first',
      parseHelpQueryGpu(
        HELP +
          '"index"\n"uuid" or "gpu_uuid"\n"pci.bus_id"\n"driver_version"\n"enforced.power.limit"\n'
      ),
      [
        ['index', 'uuid', 'pci.bus_id', 'driver_version', 'enforced.power.limit', 'name'],
        ['index', 'uuid', 'name'],
        ['index', 'name'],
        ['index']
      ]
    ],
    [
      'no help: everything is tried, then ever fewer fields',
      null,
      [
        ['index', 'uuid', 'pci.bus_id', 'driver_version', 'enforced.power.limit', 'name'],
        ['index', 'uuid', 'name'],
        ['index', 'name'],
        ['index']
      ]
    ],
    [
      'a help that lists only index, name and a power field',
      new Set(['index', 'name', 'power.draw']),
      [['index', 'name'], ['index']]
    ],
    [
      'a help without name',
      new Set(['index', 'power.limit']),
      [['index', 'power.limit'], ['index']]
    ]
  ])('%s', (_, help, expected) => {
    expect(buildGpuListQueries(help)).toEqual(expected)
  })
})

describe('parseMigParents', () => {
  it('maps MIG devices to the GPU listed above them', () => {
    const text = [
      'GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-aaaa)',
      '  MIG 3g.20gb     Device  0: (UUID: MIG-1111)',
      '  MIG 3g.20gb     Device  1: (UUID: MIG-2222)',
      'GPU 1: NVIDIA A100-SXM4-40GB (UUID: GPU-bbbb)',
      '  MIG 7g.40gb     Device  0: (UUID: MIG-3333)'
    ].join('\n')
    expect([...parseMigParents(text)]).toEqual([
      ['MIG-1111', 'GPU-aaaa'],
      ['MIG-2222', 'GPU-aaaa'],
      ['MIG-3333', 'GPU-bbbb']
    ])
  })
})

const gpu = (index: number, uuid: string, name = 'NVIDIA A40'): NvidiaGpuInfo => ({
  index,
  uuid,
  busId: `0000000${index}:00.0`,
  name,
  powerLimitW: null,
  driver: null
})
const four = [gpu(0, 'GPU-aaaa'), gpu(1, 'GPU-bbbb'), gpu(2, 'GPU-cccc'), gpu(3, 'GPU-cdef')]

describe('selectVisibleGpus', () => {
  it.each([
    { cvd: undefined, want: ['GPU-aaaa', 'GPU-bbbb', 'GPU-cccc', 'GPU-cdef'] },
    { cvd: '2,0', want: ['GPU-cccc', 'GPU-aaaa'] },
    { cvd: 'GPU-bbbb', want: ['GPU-bbbb'] },
    { cvd: 'GPU-cd', want: ['GPU-cdef'] },
    { cvd: 'GPU-c', want: [] }, // ambiguous prefix: nothing, like CUDA
    { cvd: '1,7,0', want: ['GPU-bbbb'] }, // enumeration stops at the first invalid entry
    { cvd: '', want: [] },
    { cvd: '-1', want: [] },
    { cvd: 'MIG-GPU-cccc/1/0', want: ['GPU-cccc'] },
    { cvd: 'MIG-9999', want: ['GPU-aaaa'] },
    { cvd: 'MIG-9999,MIG-8888', want: ['GPU-aaaa'] }
  ])('CUDA_VISIBLE_DEVICES=$cvd', ({ cvd, want }) => {
    const migs = new Map([
      ['MIG-9999', 'GPU-aaaa'],
      ['MIG-8888', 'GPU-aaaa']
    ])
    expect(selectVisibleGpus(four, cvd, migs).selected.map((g) => g.uuid)).toEqual(want)
  })

  it('warns that indices follow PCI order on a mixed host unless CUDA_DEVICE_ORDER=PCI_BUS_ID', () => {
    const mixed = [
      gpu(0, 'GPU-aaaa', 'NVIDIA RTX A4000'),
      gpu(1, 'GPU-bbbb', 'NVIDIA A100 80GB PCIe')
    ]
    expect(selectVisibleGpus(mixed, '0').notes.join('\n')).toMatch(/FASTEST_FIRST/)
    expect(selectVisibleGpus(mixed, '0', new Map(), 'PCI_BUS_ID').notes).toEqual([])
    expect(selectVisibleGpus(four, '0').notes).toEqual([])
  })
})
