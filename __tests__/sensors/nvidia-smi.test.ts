import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createNvidiaSmiSensor, listNvidiaGpus } from '../../src/sensors/nvidia-smi.js'
import type { SensorEnv } from '../../src/sensors/sensor.js'
import { fakeSmiEnv, readFakeCalls } from './fake-tools.js'

let vars: Record<string, string> = {}

const env = (over: Partial<SensorEnv> = {}): SensorEnv => fakeSmiEnv(dir, vars, over)

type Steps = [number, number][]
/** Ground truth: the integral of power steps (s from the epoch, W) over [a, b]. */
function integrateSteps(steps: Steps, a: number, b: number): number {
  let j = 0
  steps.forEach(([from, w], i) => {
    const to = i + 1 < steps.length ? steps[i + 1]![0] : Infinity
    const lo = Math.max(a, from)
    const hi = Math.min(b, to)
    if (hi > lo) j += w * (hi - lo)
  })
  return j
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'joulegate-smi-'))
  vars = { JOULEGATE_FAKE_LOG: join(dir, 'calls.jsonl') }
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})
const calls = (): string[][] => readFakeCalls(join(dir, 'calls.jsonl'))
const loopCalls = () => calls().filter((a) => a.includes('-lms'))

function setGpus(gpus: object[]): number {
  const epoch = Date.now()
  vars.JOULEGATE_FAKE_GPUS = JSON.stringify(gpus)
  vars.JOULEGATE_FAKE_EPOCH_MS = String(epoch)
  return epoch
}

describe('listNvidiaGpus', () => {
  it('lists GPUs with limits and driver, and prefers power.draw.instant', async () => {
    setGpus([
      { name: 'NVIDIA A40', uuid: 'GPU-aaaa1111', powerLimitW: 300, power: 80 },
      { name: 'NVIDIA A40', uuid: 'GPU-bbbb2222', powerLimitW: 250, power: 90 }
    ])
    const { inventory, notices } = await listNvidiaGpus(env())
    expect(notices).toEqual([])
    expect(inventory!.powerField).toBe('power.draw.instant')
    expect(inventory!.all).toEqual([
      {
        index: 0,
        uuid: 'GPU-aaaa1111',
        busId: '00000000:17:00.0',
        name: 'NVIDIA A40',
        powerLimitW: 300,
        driver: '550.54.15'
      },
      {
        index: 1,
        uuid: 'GPU-bbbb2222',
        busId: '00000000:18:00.0',
        name: 'NVIDIA A40',
        powerLimitW: 250,
        driver: '550.54.15'
      }
    ])
  })

  it('falls back to power.draw on a driver without the instant field', async () => {
    setGpus([{ name: 'Tesla V100-SXM2-16GB', uuid: 'GPU-cccc', powerLimitW: 300, power: 50 }])
    vars.JOULEGATE_FAKE_FIELDS = 'power.draw'
    const { inventory } = await listNvidiaGpus(env())
    expect(inventory!.powerField).toBe('power.draw')
  })

  it('honours CUDA_VISIBLE_DEVICES by UUID', async () => {
    setGpus([
      { name: 'NVIDIA A40', uuid: 'GPU-aaaa1111', power: 80 },
      { name: 'NVIDIA A40', uuid: 'GPU-bbbb2222', power: 90 }
    ])
    const { inventory } = await listNvidiaGpus(env({ cudaVisibleDevices: 'GPU-bbbb' }))
    expect(inventory!.selection.selected.map((g) => g.uuid)).toEqual(['GPU-bbbb2222'])
  })

  it('maps MIG device UUIDs to their parent through nvidia-smi -L', async () => {
    setGpus([
      { name: 'NVIDIA A100-SXM4-40GB', uuid: 'GPU-aaaa1111', power: 80, migs: ['MIG-1111-2222'] },
      { name: 'NVIDIA A100-SXM4-40GB', uuid: 'GPU-bbbb2222', power: 90, migs: ['MIG-3333-4444'] }
    ])
    const { inventory, notices } = await listNvidiaGpus(
      env({ cudaVisibleDevices: 'MIG-3333-4444' })
    )
    expect(inventory!.selection.selected.map((g) => g.uuid)).toEqual(['GPU-bbbb2222'])
    expect(notices.join('\n')).toMatch(/MIG-3333-4444 run on GPU GPU-bbbb2222.*whole GPU/)
  })

  it('fails soft when nvidia-smi is missing', async () => {
    const { inventory, notices } = await listNvidiaGpus(
      env({ nvidiaSmi: join(dir, 'no-such-nvidia-smi') })
    )
    expect(inventory).toBeNull()
    expect(notices.join('\n')).toMatch(/nvidia-smi not found/)
  })

  it('fails soft, quoting it, when nvidia-smi cannot talk to the driver', async () => {
    vars.JOULEGATE_FAKE_FAIL =
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."
    const { inventory, notices } = await listNvidiaGpus(env())
    expect(inventory).toBeNull()
    expect(notices.join('\n')).toMatch(/failed with 9: NVIDIA-SMI has failed/)
  })
})

describe('nvidia-smi sensor', () => {
  it('integrates a stepped power trace within 5% using one long-lived process', async () => {
    const steps: Steps = [
      [0, 100],
      [0.5, 300],
      [1.0, 150]
    ]
    const epoch = setGpus([
      { name: 'NVIDIA A40', uuid: 'GPU-aaaa1111', powerLimitW: 300, power: steps },
      { name: 'NVIDIA A40', uuid: 'GPU-bbbb2222', powerLimitW: 300, power: 60 }
    ])
    const { inventory } = await listNvidiaGpus(env())
    const sensor = createNvidiaSmiSensor(env(), inventory!).sensor!
    await sensor.start()
    const a = (Date.now() - epoch) / 1000
    await sleep(700)
    const mid = sensor.snapshot()
    await sleep(700)
    const b = (Date.now() - epoch) / 1000
    const [g0, g1] = await sensor.stop()
    expect(mid.map((s) => s.id)).toEqual(['gpu0', 'gpu1'])
    expect(mid[0]!.energyJ).toBeGreaterThan(0)
    expect(mid[0]!.energyJ).toBeLessThan(g0!.energyJ)
    const truth0 = integrateSteps(steps, a, b)
    expect(Math.abs(g0!.energyJ - truth0) / truth0).toBeLessThan(0.05)
    expect(Math.abs(g1!.energyJ - 60 * (b - a)) / (60 * (b - a))).toBeLessThan(0.05)
    expect(g0).toMatchObject({
      id: 'gpu0',
      kind: 'gpu',
      name: 'NVIDIA A40',
      method: 'power-integration',
      source: 'nvidia-smi',
      powerLimitW: 300,
      uuid: 'GPU-aaaa1111',
      coverage: 1
    })
    expect(g0!.samples).toBeGreaterThan(10)
    expect(g0!.notes).toBeUndefined()
    expect(loopCalls()).toEqual([
      [
        '--query-gpu=timestamp,index,power.draw.instant',
        '--format=csv,noheader,nounits',
        '-lms',
        '50'
      ]
    ])
  })

  it('reports a GPU whose power is all [N/A] as unmeasured (meanPowerW null), not as 0 J measured', async () => {
    setGpus([
      { name: 'NVIDIA GeForce GT 710', uuid: 'GPU-dddd', power: '[N/A]' },
      { name: 'NVIDIA A40', uuid: 'GPU-aaaa1111', power: 90 }
    ])
    const { inventory } = await listNvidiaGpus(env())
    const sensor = createNvidiaSmiSensor(env(), inventory!).sensor!
    await sensor.start()
    await sleep(200)
    const [g, ok] = await sensor.stop()
    expect(g).toMatchObject({ energyJ: 0, meanPowerW: null, coverage: 0, samples: 0 })
    expect(g!.notes!.join('\n')).toMatch(
      /nvidia-smi gave no power reading \(\d+ readings of power.draw.instant were \[N\/A\]/
    )
    expect(ok!.meanPowerW).toBeCloseTo(90, 6)
    expect(ok!.notes).toBeUndefined()
  })

  it('restarts nvidia-smi when it dies and reports the gap as coverage below 1', async () => {
    const epoch = setGpus([{ name: 'NVIDIA A40', uuid: 'GPU-aaaa1111', power: 200 }])
    vars.JOULEGATE_FAKE_DIE_FILE = join(dir, 'died')
    vars.JOULEGATE_FAKE_DIE_AFTER_MS = '400'
    const { inventory } = await listNvidiaGpus(env())
    const sensor = createNvidiaSmiSensor(env(), inventory!).sensor!
    await sensor.start()
    const a = (Date.now() - epoch) / 1000
    // wait for the restart and for the new process's readings, however slow the machine is, then
    // as long again, so that the gap is at most about half the window
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 600 && !done(); i++) await sleep(50)
    }
    await until(() => loopCalls().length === 2)
    const atRestart = sensor.snapshot()[0]!.energyJ
    await until(() => sensor.snapshot()[0]!.energyJ > atRestart + 200 * 0.2)
    const restartedAfter = Date.now() - epoch - a * 1000
    await sleep(Math.max(1000, restartedAfter))
    const b = (Date.now() - epoch) / 1000
    const [g] = await sensor.stop()
    expect(existsSync(join(dir, 'died'))).toBe(true)
    expect(loopCalls()).toHaveLength(2)
    expect(g!.coverage).toBeLessThan(1)
    expect(g!.coverage).toBeGreaterThan(0.5)
    expect(g!.notes!.join('\n')).toMatch(/restarted/)
    expect(Math.abs(g!.energyJ - 200 * (b - a)) / (200 * (b - a))).toBeLessThan(0.05)
  })

  it('places readings whose timestamps a clock step made impossible one interval apart, with a note', async () => {
    const epoch = setGpus([{ name: 'NVIDIA A40', uuid: 'GPU-aaaa1111', power: 120 }])
    vars.JOULEGATE_FAKE_CLOCK_STEP_MS = '-30000'
    const { inventory } = await listNvidiaGpus(env())
    const sensor = createNvidiaSmiSensor(env(), inventory!).sensor!
    await sensor.start()
    const a = (Date.now() - epoch) / 1000
    await sleep(1500)
    const b = (Date.now() - epoch) / 1000
    const [g] = await sensor.stop()
    expect(g!.notes!.join('\n')).toMatch(/\d+ nvidia-smi readings had no usable timestamp/)
    expect(g!.samples).toBeGreaterThan(10)
    expect(Math.abs(g!.energyJ - 120 * (b - a)) / (120 * (b - a))).toBeLessThan(0.05)
  })

  it('leaves no output file behind once stopped', async () => {
    setGpus([{ name: 'NVIDIA A40', uuid: 'GPU-aaaa1111', power: 120 }])
    // the tool says where its stdout goes: exactly this sensor's file, whatever else other
    // processes create in the shared temp dir meanwhile
    const stdoutLog = join(dir, 'stdout-paths')
    vars.JOULEGATE_FAKE_STDOUT_LOG = stdoutLog
    const { inventory } = await listNvidiaGpus(env())
    const sensor = createNvidiaSmiSensor(env(), inventory!).sensor!
    await sensor.start()
    const files = readFileSync(stdoutLog, 'utf8').trim().split('\n')
    expect(files).toHaveLength(1)
    expect(files[0]!.startsWith(tmpdir())).toBe(true)
    expect(existsSync(files[0]!)).toBe(true)
    await sensor.stop()
    expect(existsSync(files[0]!)).toBe(false)
    expect(existsSync(dirname(files[0]!))).toBe(false)
  })
})
