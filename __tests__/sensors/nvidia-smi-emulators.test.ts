// The nvidia-smi sensor against minimal third-party emulators: no --help-query-gpu, few fields, no
// timestamp, a loop that refuses its arguments. The project's fake plays them through its knobs.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNvidiaSmiSensor, listNvidiaGpus } from '../../src/sensors/nvidia-smi/sensor.js'
import { createNvmlSensor } from '../../src/sensors/nvml/sensor.js'
import type { SensorEnv } from '../../src/sensors/sensor.js'
import { FAKE_PYTHON, fakeSmiEnv, readFakeCalls, writeWrapper } from './fake-tools.js'

let dir: string
let vars: Record<string, string> = {}
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'joulegate-emu-'))
  vars = { JOULEGATE_FAKE_LOG: join(dir, 'calls.jsonl') }
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const env = (over: Partial<SensorEnv> = {}): SensorEnv => fakeSmiEnv(dir, vars, over)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const calls = (): string[][] => readFakeCalls(join(dir, 'calls.jsonl'))
const loopCalls = () => calls().filter((a) => a.includes('-lms'))
const listCalls = () =>
  calls()
    .filter((a) => a[1] === '--format=csv')
    .map((a) => a[0])

type Steps = [number, number][]
const STEPS: Steps = [
  [0, 100],
  [0.5, 300],
  [1.0, 150]
]
/** Ground truth: the integral of power steps (s from the epoch, W) over [a, b]. */
function integrateSteps(steps: Steps, a: number, b: number): number {
  return steps.reduce((j, [from, w], i) => {
    const to = i + 1 < steps.length ? steps[i + 1]![0] : Infinity
    return j + w * Math.max(0, Math.min(b, to) - Math.max(a, from))
  }, 0)
}
function setGpus(gpus: object[]): number {
  const epoch = Date.now()
  vars.JOULEGATE_FAKE_GPUS = JSON.stringify(gpus)
  vars.JOULEGATE_FAKE_EPOCH_MS = String(epoch)
  return epoch
}
const A40 = { name: 'NVIDIA A40', uuid: 'GPU-aaaa1111', powerLimitW: 300 }

/** Starts the sensor on the inventory, runs 1.4 s, returns the component and the true energy. */
async function measureSteps(e: SensorEnv, epoch: number) {
  const { inventory } = await listNvidiaGpus(e)
  const sensor = createNvidiaSmiSensor(e, inventory!).sensor!
  await sensor.start()
  const a = (Date.now() - epoch) / 1000
  await sleep(1400)
  const b = (Date.now() - epoch) / 1000
  const [g] = await sensor.stop()
  return { g: g!, truth: integrateSteps(STEPS, a, b) }
}

describe('an nvidia-smi without --help-query-gpu', () => {
  it.each([
    ['2', 'power.draw,power.draw.average,power.draw.instant', 'power.draw.instant'],
    ['2', 'power.draw.average,power.draw', 'power.draw'],
    ['2', 'power.draw.average', 'power.draw.average'],
    ['0', 'power.draw', 'power.draw']
  ])('help exits %s; knowing %s, the one-shot probe picks %s', async (noHelp, fields, chosen) => {
    setGpus([{ ...A40, power: 80 }])
    vars.JOULEGATE_FAKE_NO_HELP = noHelp
    vars.JOULEGATE_FAKE_FIELDS = fields
    const { inventory, notices } = await listNvidiaGpus(env())
    expect(inventory!.powerField).toBe(chosen)
    expect(inventory!.timestamp).toBe(true)
    expect(inventory!.all.map((g) => g.uuid)).toEqual([A40.uuid])
    expect(notices.join('\n')).toMatch(/help-query-gpu.*probed one by one/)
    expect(calls()).toContainEqual([`--query-gpu=index,${chosen}`, '--format=csv,noheader,nounits'])
  })

  it('says so, and has no sensor, when no power field answers', async () => {
    setGpus([{ ...A40, power: 80 }])
    vars.JOULEGATE_FAKE_NO_HELP = '2'
    vars.JOULEGATE_FAKE_FIELDS = ''
    const { inventory, notices } = await listNvidiaGpus(env())
    expect(inventory!.powerField).toBeNull()
    expect(notices.join('\n')).toMatch(/knows none of power.draw.instant, power.draw/)
    expect(createNvidiaSmiSensor(env(), inventory!).sensor).toBeNull()
  })

  it('with a broken driver, gives up after the first listing repeats the help failure', async () => {
    vars.JOULEGATE_FAKE_FAIL = "NVIDIA-SMI has failed because it couldn't communicate"
    const { inventory, notices } = await listNvidiaGpus(env())
    expect(inventory).toBeNull()
    expect(notices).toHaveLength(1)
    expect(calls()).toHaveLength(2)
  })
})

describe('an emulator that knows only index and a power field', () => {
  beforeEach(() => {
    vars.JOULEGATE_FAKE_NO_HELP = '2'
    vars.JOULEGATE_FAKE_ONLY_FIELDS = 'index,power.draw'
  })

  it('lists the GPUs with ever fewer fields, down to index', async () => {
    setGpus([
      { ...A40, power: 80 },
      { ...A40, uuid: 'GPU-bbbb', power: 80 }
    ])
    const { inventory, notices } = await listNvidiaGpus(env())
    const bare = { uuid: '', busId: '', name: 'NVIDIA GPU', powerLimitW: null, driver: null }
    expect(inventory!.all).toEqual([
      { index: 0, ...bare },
      { index: 1, ...bare }
    ])
    expect(listCalls()).toEqual([
      '--query-gpu=index,uuid,pci.bus_id,driver_version,enforced.power.limit,name',
      '--query-gpu=index,uuid,name',
      '--query-gpu=index,name',
      '--query-gpu=index'
    ])
    expect(inventory).toMatchObject({ powerField: 'power.draw', timestamp: false })
    expect(notices.join('\n')).toMatch(/no timestamp field: .*pipe/)
  })

  it('integrates readings placed at their arrival through a pipe, within 5%', async () => {
    const epoch = setGpus([{ ...A40, power: STEPS }])
    const { g, truth } = await measureSteps(env(), epoch)
    expect(Math.abs(g.energyJ - truth) / truth).toBeLessThan(0.05)
    expect(g).toMatchObject({ name: 'NVIDIA GPU', coverage: 1, source: 'nvidia-smi' })
    expect(g.uuid).toBeUndefined()
    expect(loopCalls()).toEqual([
      ['--query-gpu=index,power.draw', '--format=csv,noheader,nounits', '-lms', '50']
    ])
  })

  it('says that CUDA_VISIBLE_DEVICES UUIDs cannot be matched', async () => {
    setGpus([{ ...A40, power: 80 }])
    const { inventory, notices } = await listNvidiaGpus(env({ cudaVisibleDevices: A40.uuid }))
    expect(inventory!.selection.selected).toEqual([])
    expect(notices.join('\n')).toMatch(/does not report GPU UUIDs.*cannot be matched/)
  })

  it('keeps NVML out: it needs the UUIDs', async () => {
    setGpus([{ ...A40, power: 80 }])
    const e = env({ python: writeWrapper(dir, 'python3', FAKE_PYTHON, vars) })
    const { inventory } = await listNvidiaGpus(e)
    const nvml = await createNvmlSensor(e, inventory!)
    expect(nvml.sensor).toBeNull()
    expect(nvml.notices.join('\n')).toMatch(/NVML needs GPU UUIDs/)
  })
})

describe('an nvidia-smi with help but no timestamp field', () => {
  it('uses the pipe and still integrates within 5%', async () => {
    const epoch = setGpus([{ ...A40, power: STEPS }])
    vars.JOULEGATE_FAKE_NO_TIMESTAMP = '1'
    const { g, truth } = await measureSteps(env(), epoch)
    expect(Math.abs(g.energyJ - truth) / truth).toBeLessThan(0.05)
    expect(g.uuid).toBe(A40.uuid)
    expect(loopCalls()[0]![0]).toBe('--query-gpu=index,power.draw.instant')
  })
})

describe('a loop that refuses its arguments at its first start', () => {
  it.each([
    ['a file (timestamped loop)', true],
    ['a pipe', false]
  ])('through %s: its error is the note, one try only', async (_, timestamp) => {
    setGpus([{ ...A40, power: 80 }])
    const { inventory } = await listNvidiaGpus(env())
    const bogus = { ...inventory!, powerField: 'power.bogus', timestamp }
    const sensor = createNvidiaSmiSensor(env(), bogus).sensor!
    await sensor.start()
    const [g] = await sensor.stop()
    expect(loopCalls()).toHaveLength(1)
    expect(g).toMatchObject({ energyJ: 0, meanPowerW: null, coverage: 0, samples: 0 })
    expect(g!.notes!.join('\n')).toMatch(
      /stopped before any reading \(exit 2: Field "power.bogus" is not a valid field to query\.\); not restarted/
    )
    expect(g!.notes!.join('\n')).not.toMatch(/within 5000 ms/)
  })
})
