// The parsers and sensors against what a real H100 host printed (captured by
// __tests__/fixtures/nvidia-smi/capture-real.sh into real-h100/), replayed to the sensors, and the
// real H100 measurement. The fake nvidia-smi is compared with the same captures in
// __tests__/cli/fake-vs-real.test.ts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import {
  chooseLimitField,
  choosePowerField,
  parseGpuListCsv,
  parseHeaderCell,
  parseHelpQueryGpu,
  parseMigParents,
  parseNvidiaNumber,
  selectVisibleGpus,
  splitCsvLine
} from '../../src/sensors/nvidia-smi/parse.js'
import { validateMeasurement } from '../../src/core/history/measurement-codec.js'
import type { Measurement } from '../../src/core/types.js'
import { createNvidiaSmiSensor, listNvidiaGpus } from '../../src/sensors/nvidia-smi/sensor.js'
import { createNvmlSensor } from '../../src/sensors/nvml/sensor.js'
import type { SensorEnv } from '../../src/sensors/sensor.js'
import { readRealCapture, REAL_CAPTURES, splitCaptureExit } from './fake-tools.js'

const H100 = {
  index: 0,
  uuid: 'GPU-d85fcc1e-1280-17c7-c4ae-49c25c444478',
  busId: '00000000:00:06.0',
  name: 'NVIDIA H100 80GB HBM3',
  powerLimitW: 700,
  driver: '580.159.04'
}

describe('nvidia-smi --help-query-gpu (real H100, driver 580)', () => {
  const text = readRealCapture('help-query-gpu.txt')
  const fields = parseHelpQueryGpu(text)

  // newer drivers list an alias after "or" (gpu.power.draw.instant)
  const expected =
    'power.draw.instant power.draw.average power.draw enforced.power.limit power.limit index uuid gpu_uuid pci.bus_id name gpu_name driver_version gpu.power.draw.instant'
  it.each(expected.split(' '))('lists %s', (field) => {
    expect(fields.has(field)).toBe(true)
  })

  it('chooses the instant power reading and the enforced limit', () => {
    expect(choosePowerField(fields)).toBe('power.draw.instant')
    expect(chooseLimitField(fields)).toBe('enforced.power.limit')
  })

  it('takes exactly the names on field lines, none of the quoted prose', () => {
    // independent oracle: a field line is `"a"` or `"a" or "b"`, nothing else on it
    const oracle = new Set<string>()
    for (const line of text.split('\n')) {
      if (!/^"[^"]+"( or "[^"]+")*$/.test(line)) continue
      for (const m of line.matchAll(/"([^"]+)"/g)) oracle.add(m[1]!)
    }
    expect(oracle.size).toBeGreaterThan(200)
    expect([...fields].sort()).toEqual([...oracle].sort())
    // lines such as `"0: Default" means multiple contexts ...` start with a quote but are prose
    expect(fields.has('0: Default')).toBe(false)
  })
})

describe('nvidia-smi --query-gpu CSV (real H100)', () => {
  it('parses the listing with units in the header and in the limit cell', () => {
    const text = readRealCapture('query-list.csv')
    expect(text.split('\n')[0]).toBe(
      'index, uuid, pci.bus_id, driver_version, enforced.power.limit [W], name'
    )
    expect(parseGpuListCsv(text)).toEqual([H100])
  })

  it('reads every power cell of the real power query, units included', () => {
    const [header, row] = readRealCapture('query-power.csv').trim().split('\n') as [string, string]
    const names = header.split(',').map(parseHeaderCell)
    expect(names).toEqual(['index', 'power.draw', 'power.draw.average', 'power.draw.instant'])
    const cells = splitCsvLine(row, names.length)!
    const values = Object.fromEntries(names.map((n, i) => [n, parseNvidiaNumber(cells[i])]))
    expect(values).toEqual({
      index: 0,
      'power.draw': 73.87,
      'power.draw.average': 73.87,
      'power.draw.instant': 73.64
    })
  })

  it('parses each nounits loop line (2 s at 100 ms) as GPU 0 at a plausible idle power', () => {
    const lines = readRealCapture('loop-100ms.csv').trim().split('\n')
    expect(lines.length).toBeGreaterThanOrEqual(15)
    for (const line of lines) {
      const [index, watts] = splitCsvLine(line, 2)!
      expect({ index: Number(index), idle: parseNvidiaNumber(watts)! > 50 }).toEqual({
        index: 0,
        idle: true
      })
      expect(parseNvidiaNumber(watts)!).toBeLessThan(H100.powerLimitW)
    }
  })

  it('the unknown-field error is plain text on the output, exit 2, and lists no GPU', () => {
    const { output, exit } = splitCaptureExit(readRealCapture('unknown-field.txt'))
    expect(output).toBe('Field "foo" is not a valid field to query.\n\n')
    expect(exit).toBe(2)
    expect(parseGpuListCsv(output)).toEqual([])
  })

  it('-L names the GPU with its UUID; a GPU without MIG has no MIG children', () => {
    const text = readRealCapture('list-gpus.txt')
    expect(text).toBe(`GPU 0: ${H100.name} (UUID: ${H100.uuid})\n`)
    expect(parseMigParents(text).size).toBe(0)
    const gpus = parseGpuListCsv(readRealCapture('query-list.csv'))
    expect(selectVisibleGpus(gpus, H100.uuid.slice(0, 12)).selected).toEqual([H100])
  })
})

// Replays of the real captures as executables, so the sensors meet the real texts end to end.
let dir = ''
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'joulegate-real-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

function writeScript(name: string, body: string[]): string {
  const file = join(dir, name)
  writeFileSync(file, ['#!/bin/sh', ...body, ''].join('\n'))
  chmodSync(file, 0o755)
  return file
}

/** nvidia-smi answering with the captured texts; `unknown-field` refuses every query as the real one did. */
function replaySmi(mode: 'ok' | 'unknown-field'): string {
  const header = [
    'case "$1" in',
    `  --help-query-gpu) cat ${sq(join(REAL_CAPTURES, 'help-query-gpu.txt'))}; exit 0 ;;`,
    `  -L) cat ${sq(join(REAL_CAPTURES, 'list-gpus.txt'))}; exit 0 ;;`,
    'esac'
  ]
  if (mode === 'unknown-field')
    return writeScript('smi-unknown', [
      ...header,
      `sed '$d' ${sq(join(REAL_CAPTURES, 'unknown-field.txt'))}`,
      'exit 2'
    ])
  const loop = sq(join(REAL_CAPTURES, 'loop-100ms.csv'))
  return writeScript('smi-ok', [
    ...header,
    'case "$*" in',
    `  '--query-gpu=index,uuid,pci.bus_id,driver_version,enforced.power.limit,name --format=csv') cat ${sq(join(REAL_CAPTURES, 'query-list.csv'))} ;;`,
    `  '--query-gpu=timestamp,index,power.draw.instant --format=csv,noheader,nounits -lms '*)`,
    `    trap 'exit 0' TERM`,
    // the capture has no timestamp column: prefix one in the real format, local time
    `    while :; do while IFS= read -r l; do echo "$(date +'%Y/%m/%d %H:%M:%S.%3N'), $l"; sleep 0.1; done < ${loop}; done ;;`,
    '  *) echo "replay: unexpected arguments: $*" >&2; exit 64 ;;',
    'esac'
  ])
}

/** python3 running the NVML helper, replayed: the real hello, then the real readings in turn. */
function replayPython(): string {
  const jsonl = sq(join(REAL_CAPTURES, 'nvml-helper.jsonl'))
  return writeScript('python3', [
    '[ "$1" = -u ] && [ "$2" = -c ] || { echo "replay: unexpected arguments" >&2; exit 3; }',
    `sed -n 1p ${jsonl}`,
    'n=2; last=',
    'while IFS= read -r _; do',
    `  line=$(sed -n "\${n}p" ${jsonl})`,
    `  case "$line" in '{"mJ"'*) last=$line; n=$((n + 1)) ;; esac`,
    '  echo "$last"',
    'done'
  ])
}

const sensorEnv = (nvidiaSmi: string, python: string | null): SensorEnv => ({
  ...{ sysfsRoot: '/nonexistent', cudaVisibleDevices: undefined, intervalMs: 100 },
  ...{ nvidiaSmi, python }
})

describe('sensors on replayed real output', () => {
  it('lists the real GPU and reads power.draw.instant from the real loop lines', async () => {
    const env = sensorEnv(replaySmi('ok'), null)
    const { inventory, notices } = await listNvidiaGpus(env)
    expect(notices).toEqual([])
    expect(inventory!.all).toEqual([H100])
    expect(inventory!.powerField).toBe('power.draw.instant')
    expect(inventory!.driver).toBe(H100.driver)
    const { sensor } = createNvidiaSmiSensor(env, inventory!)
    await sensor!.start()
    await new Promise((r) => setTimeout(r, 700))
    const [gpu] = await sensor!.stop()
    const watts = readRealCapture('loop-100ms.csv')
      .trim()
      .split('\n')
      .map((l) => parseNvidiaNumber(splitCsvLine(l, 2)![1])!)
    expect(gpu).toMatchObject({
      kind: 'gpu',
      name: H100.name,
      method: 'power-integration',
      source: 'nvidia-smi',
      powerLimitW: 700,
      uuid: H100.uuid
    })
    expect(gpu!.meanPowerW!).toBeGreaterThanOrEqual(Math.min(...watts) - 0.01)
    expect(gpu!.meanPowerW!).toBeLessThanOrEqual(Math.max(...watts) + 0.01)
  })

  it('turns the real unknown-field refusal into a notice that quotes it', async () => {
    const { inventory, notices } = await listNvidiaGpus(sensorEnv(replaySmi('unknown-field'), null))
    expect(inventory).toBeNull()
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatch(/failed with 2: Field "foo" is not a valid field to query\./)
  })

  it('the real NVML helper lines follow the protocol nvml.ts reads', () => {
    const { output, exit } = splitCaptureExit(readRealCapture('nvml-helper.jsonl'))
    expect(exit).toBe(0)
    const [hello, ...reads] = output
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(hello).toEqual({
      ok: true,
      driver: H100.driver,
      gpus: [{ uuid: H100.uuid, code: 0, error: null, name: H100.name, powerLimitW: 700 }]
    })
    // capture-real.sh sends two stdin lines: one reading each, an integer mJ per GPU asked for
    expect(reads).toHaveLength(2)
    for (const r of reads) {
      expect(Object.keys(r)).toEqual(['mJ'])
      expect(r.mJ).toHaveLength(1)
      expect(Number.isSafeInteger((r.mJ as number[])[0])).toBe(true)
    }
  })

  it('the NVML sensor accepts the real hello and reports the counter (method counter, source nvml)', async () => {
    const env = sensorEnv(replaySmi('ok'), replayPython())
    const { inventory } = await listNvidiaGpus(env)
    const { sensor, notices } = await createNvmlSensor(env, inventory!)
    expect(notices).toEqual([])
    await sensor!.start()
    const [gpu] = await sensor!.stop()
    expect(gpu).toMatchObject({
      kind: 'gpu',
      name: H100.name,
      method: 'counter',
      source: 'nvml',
      powerLimitW: 700,
      uuid: H100.uuid,
      busId: H100.busId,
      // both captured readings are 2667526 mJ: an idle moment, no energy between them
      energyJ: 0
    })
    expect(gpu!.notes ?? []).toEqual([])
  })
})

describe('the real H100 measurement (NVML counter, nvidia-smi cross-check)', () => {
  const file = resolve('__tests__/fixtures/real-h100-measurement.json')
  const m = JSON.parse(readFileSync(file, 'utf8')) as Measurement

  it('passes the measurement validation that normalisation applies', () => {
    const v = validateMeasurement(m, 'real-h100-measurement.json')
    expect(v.energyJ).toBe(m.energyJ)
    expect(v.components.find((c) => c.kind === 'gpu')).toMatchObject({ powerLimitW: 700 })
  })

  it('energyJ is the sum of its components, and netEnergyJ = energyJ - idlePowerW x durationS', () => {
    const sum = m.components.reduce((s, c) => s + c.energyJ, 0)
    expect(m.energyJ).toBeCloseTo(sum, 6)
    expect(m.netEnergyJ!).toBeCloseTo(m.energyJ - m.idlePowerW! * m.durationS, 6)
  })

  it('measures the GPU with the NVML counter; the nvidia-smi integration agrees within 2%', () => {
    const gpu = m.components.find((c) => c.id === 'gpu0')!
    expect(gpu).toMatchObject({ kind: 'gpu', method: 'counter', source: 'nvml', name: H100.name })
    const check = m.crossChecks!.find((c) => c.id === 'gpu0')!
    expect(check).toMatchObject({ method: 'power-integration', source: 'nvidia-smi' })
    expect(check.uuid).toBe(gpu.uuid)
    expect(Math.abs(check.energyJ - gpu.energyJ) / gpu.energyJ).toBeLessThan(0.02)
    // the cross-check is not summed into the total
    expect(m.energyJ).toBeLessThan(gpu.energyJ + check.energyJ)
  })

  it('labels the CPU and RAM figures as estimates, never as measurements', () => {
    for (const c of m.components.filter((c) => c.kind !== 'gpu'))
      expect(c).toMatchObject({ method: 'estimate', source: 'estimate' })
  })
})
