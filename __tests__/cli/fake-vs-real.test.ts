// The fake nvidia-smi that the CLI tests run on, set up as the H100 captured in
// __tests__/fixtures/nvidia-smi/real-h100/ and asked what capture-real.sh asked the real tool: its
// answers must keep the real format (header spacing, units, error text, exit codes) so the
// emulated runs cannot drift from reality.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { FAKE_NVIDIA_SMI, readRealCapture, splitCaptureExit } from '../sensors/fake-tools.js'

const H100 = {
  uuid: 'GPU-d85fcc1e-1280-17c7-c4ae-49c25c444478',
  busId: '00000000:00:06.0',
  name: 'NVIDIA H100 80GB HBM3',
  driver: '580.159.04'
}

const FAKE_ENV = {
  PATH: process.env['PATH'],
  JOULEGATE_FAKE_GPUS: JSON.stringify([
    {
      name: H100.name,
      uuid: H100.uuid,
      busId: H100.busId,
      driver: H100.driver,
      powerLimitW: 700,
      power: 73.87
    }
  ])
}
function fake(args: string[]): { stdout: string; status: number | null } {
  const r = spawnSync(FAKE_NVIDIA_SMI, args, {
    env: FAKE_ENV,
    encoding: 'utf8',
    timeout: 1500,
    killSignal: 'SIGTERM'
  })
  return { stdout: r.stdout, status: r.status }
}
const LIST_ARGS = [
  '--query-gpu=index,uuid,pci.bus_id,driver_version,enforced.power.limit,name',
  '--format=csv'
]
const POWER_ARGS = [
  '--query-gpu=index,power.draw,power.draw.average,power.draw.instant',
  '--format=csv'
]
const LOOP_ARGS = [
  '--query-gpu=index,power.draw.instant',
  '--format=csv,noheader,nounits',
  '-lms',
  '100'
]

describe('the fake nvidia-smi prints what the real one printed', () => {
  it('the GPU listing, byte for byte', () => {
    expect(fake(LIST_ARGS)).toEqual({ stdout: readRealCapture('query-list.csv'), status: 0 })
  })

  it('the power query: the same header, cells with two decimals and " W"', () => {
    const [realHeader, realRow] = readRealCapture('query-power.csv').trim().split('\n') as [
      string,
      string
    ]
    const [fakeHeader, fakeRow] = fake(POWER_ARGS).stdout.trim().split('\n') as [string, string]
    expect(fakeHeader).toBe(realHeader)
    const shape = (row: string): string => row.replace(/\d+\.\d\d W/g, 'N.NN W')
    expect(shape(fakeRow)).toBe(shape(realRow))
    expect(shape(realRow)).toBe('0, N.NN W, N.NN W, N.NN W')
  })

  it('the loop: "index, watts" lines without units', () => {
    const r = fake(LOOP_ARGS)
    const lines = r.stdout.trim().split('\n')
    expect(lines.length).toBeGreaterThanOrEqual(2)
    const shape = (line: string): string => line.replace(/^\d+, \d+\.\d\d$/, 'I, N.NN')
    for (const l of [...lines, ...readRealCapture('loop-100ms.csv').trim().split('\n')])
      expect(shape(l)).toBe('I, N.NN')
  })

  it('an unknown field: the same text on stdout and exit 2', () => {
    const { output, exit } = splitCaptureExit(readRealCapture('unknown-field.txt'))
    expect(fake(['--query-gpu=foo', '--format=csv'])).toEqual({ stdout: output, status: exit })
  })

  it('-L, byte for byte', () => {
    expect(fake(['-L'])).toEqual({ stdout: readRealCapture('list-gpus.txt'), status: 0 })
  })

  it('--help-query-gpu: each field it lists is a real field, with the real description', () => {
    const blocks = (text: string): Map<string, string> => {
      const out = new Map<string, string>()
      const lines = text.split('\n')
      lines.forEach((l, i) => {
        const m = /^"([^"]+)"( or "[^"]+")*$/.exec(l)
        if (m) out.set(m[1]!, lines[i + 1]!)
      })
      return out
    }
    const realBlocks = blocks(readRealCapture('help-query-gpu.txt'))
    const fakeBlocks = blocks(fake(['--help-query-gpu']).stdout)
    expect(fakeBlocks.size).toBeGreaterThanOrEqual(10)
    for (const [field, description] of fakeBlocks) {
      expect({ field, description }).toEqual({ field, description: realBlocks.get(field) })
    }
  })

  // Known drift (reported to the lead): the fake titles its help `"--query-gpu=":` where driver
  // 580 prints `"--query-gpu":`, and omits the `or "gpu.power..."` aliases of four power fields.
  // The parser ignores both; once the fake prints them as the real one does, make this an it().
  it('--help-query-gpu: the title and field lines are the real ones', () => {
    const realLines = new Set(readRealCapture('help-query-gpu.txt').split('\n'))
    const fakeText = fake(['--help-query-gpu']).stdout
    const fieldOrTitle = fakeText
      .split('\n')
      .filter((l) => l.startsWith('"') || l.startsWith('List '))
    expect(fieldOrTitle.filter((l) => !realLines.has(l))).toEqual([])
  })
})
