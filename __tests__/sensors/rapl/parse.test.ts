import { describe, expect, it } from '@jest/globals'
import {
  computeRaplPollMs,
  parseSysfsInteger,
  selectRaplZones
} from '../../../src/sensors/rapl/parse.js'

const server = [
  { entry: 'intel-rapl', name: null },
  { entry: 'intel-rapl:0', name: 'package-0' },
  { entry: 'intel-rapl:0:0', name: 'core' },
  { entry: 'intel-rapl:0:1', name: 'uncore' },
  { entry: 'intel-rapl:0:2', name: 'dram' },
  { entry: 'intel-rapl:1', name: 'package-1' },
  { entry: 'intel-rapl:1:0', name: 'dram' },
  { entry: 'intel-rapl:2', name: 'psys' },
  { entry: 'intel-rapl-mmio', name: null },
  { entry: 'intel-rapl-mmio:0', name: 'package-0' }
]

describe('selectRaplZones', () => {
  it.each([
    {
      case: 'two-socket server with psys and MMIO',
      entries: server,
      want: ['cpu0:package-0', 'cpu1:package-1', 'ram0:dram', 'ram1:dram']
    },
    {
      case: 'AMD desktop: package with core only',
      entries: [
        { entry: 'intel-rapl:0', name: 'package-0' },
        { entry: 'intel-rapl:0:0', name: 'core' }
      ],
      want: ['cpu0:package-0']
    },
    {
      case: 'laptop: psys only is never a package',
      entries: [{ entry: 'intel-rapl:0', name: 'psys' }],
      want: []
    },
    {
      case: 'dram under psys is not counted',
      entries: [
        { entry: 'intel-rapl:1', name: 'psys' },
        { entry: 'intel-rapl:1:0', name: 'dram' }
      ],
      want: []
    },
    {
      case: 'the same package named twice',
      entries: [
        { entry: 'intel-rapl:0', name: 'package-0' },
        { entry: 'intel-rapl:3', name: 'package-0' }
      ],
      want: ['cpu0:package-0']
    },
    {
      case: 'multi-die packages',
      entries: [
        { entry: 'intel-rapl:0', name: 'package-0-die-0' },
        { entry: 'intel-rapl:1', name: 'package-0-die-1' }
      ],
      want: ['cpu0-die0:package-0-die-0', 'cpu0-die1:package-0-die-1']
    },
    {
      case: 'unordered listing, 10 packages',
      entries: [
        { entry: 'intel-rapl:10', name: 'package-10' },
        { entry: 'intel-rapl:2', name: 'package-2' }
      ],
      want: ['cpu2:package-2', 'cpu10:package-10']
    }
  ])('$case', ({ entries, want }) => {
    expect(selectRaplZones(entries).zones.map((z) => `${z.id}:${z.name}`)).toEqual(want)
  })

  it('says why each zone is skipped', () => {
    const skipped = selectRaplZones(server).skipped.map((s) => `${s.entry}: ${s.reason}`)
    expect(skipped).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^intel-rapl:0:0: inside its package/),
        expect.stringMatching(/^intel-rapl:0:1: inside its package/),
        expect.stringMatching(/^intel-rapl:2: psys covers/),
        expect.stringMatching(/^intel-rapl-mmio:0: MMIO/)
      ])
    )
  })
})

describe('computeRaplPollMs', () => {
  it.each([
    {
      case: 'usual 262 kJ range: no faster than 1 s',
      interval: 100,
      ranges: [262143328850],
      want: 1000
    },
    { case: 'a slower interval is kept', interval: 2000, ranges: [262143328850], want: 2000 },
    {
      case: '32-bit range wraps in 8.6 s at 500 W',
      interval: 60000,
      ranges: [4294967295],
      want: 2147
    },
    { case: 'unknown range: the interval', interval: 1000, ranges: [null], want: 1000 },
    {
      case: 'the smallest range decides',
      interval: 60000,
      ranges: [262143328850, 65712999613],
      want: 32856
    }
  ])('$case', ({ interval, ranges, want }) => {
    expect(computeRaplPollMs(interval, ranges)).toBe(want)
  })
})

describe('parseSysfsInteger', () => {
  it.each([
    { text: '262143328850\n', want: 262143328850 },
    { text: '  42 ', want: 42 },
    { text: '', want: null },
    { text: 'abc', want: null },
    { text: '1.5', want: null }
  ])('$text', ({ text, want }) => {
    expect(parseSysfsInteger(text)).toBe(want)
  })
})
