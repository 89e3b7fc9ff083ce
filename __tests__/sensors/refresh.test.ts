// refresh(): after `await refresh()`, snapshot() is current, however long the sensor's own poll
// period. Each sensor runs with a poll period far longer than the test, so only refresh() can
// have brought the reading in.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { amdHwmonProbe } from '../../src/sensors/amd-hwmon/sensor.js'
import { estimateCpuPowerW } from '../../src/core/measure/estimate-model.js'
import { EstimateSensor } from '../../src/sensors/estimate/sensor.js'
import { createNvidiaSmiSensor, listNvidiaGpus } from '../../src/sensors/nvidia-smi/sensor.js'
import { createNvmlSensor } from '../../src/sensors/nvml/sensor.js'
import { raplProbe } from '../../src/sensors/rapl/sensor.js'
import type { EnergySensor, SensorEnv } from '../../src/sensors/sensor.js'
import { FAKE_NVIDIA_SMI, FAKE_PYTHON, writeWrapper } from './fake-tools.js'
import { buildSysfs, loadFixture, type SysfsTree } from './sysfs-tree.js'

const SLOW_MS = 60000
let tree: SysfsTree | null = null
let dir = ''
let vars: Record<string, string> = {}
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'joulegate-refresh-'))
  vars = {}
})
afterEach(() => {
  tree?.cleanup()
  tree = null
  rmSync(dir, { recursive: true, force: true })
})

const env = (over: Partial<SensorEnv>): SensorEnv => ({
  sysfsRoot: '/nonexistent',
  nvidiaSmi: 'nvidia-smi',
  cudaVisibleDevices: undefined,
  intervalMs: SLOW_MS,
  python: null,
  ...over
})
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const nowS = (): number => performance.now() / 1000
const energyOf = (s: EnergySensor, id: string): number =>
  s.snapshot().find((c) => c.id === id)!.energyJ

/**
 * Starts `sensor`, waits, refreshes; the energy of a constant `watts` since start must lie
 * between the power over the shortest and the longest span that start and refresh allow.
 */
async function expectCurrent(sensor: EnergySensor, id: string, watts: number, slackS = 0) {
  const t0 = nowS()
  await sensor.start()
  const t1 = nowS()
  await sleep(300)
  const t2 = nowS()
  await sensor.refresh!()
  const t3 = nowS()
  const e = energyOf(sensor, id)
  await sensor.stop()
  expect(e).toBeGreaterThanOrEqual(watts * (t2 - t1 - slackS) * 0.999)
  expect(e).toBeLessThanOrEqual(watts * (t3 - t0) * 1.001)
}

describe('refresh', () => {
  it('RAPL reads the counters now, across a wrap', async () => {
    tree = buildSysfs(loadFixture('rapl-server.json'))
    const s = (await raplProbe.probe(env({ sysfsRoot: tree.root }))).sensor!
    await s.start()
    const range = 262143328850
    writeFileSync(tree.raplFile('intel-rapl:0'), String(262143000000 + 300000))
    await s.refresh!()
    expect(energyOf(s, 'cpu0')).toBeCloseTo(0.3, 9)
    writeFileSync(tree.raplFile('intel-rapl:0'), String(1000000))
    await s.refresh!()
    expect(energyOf(s, 'cpu0')).toBeCloseTo((range - 262143000000 + 1000000) / 1e6, 9)
    await s.stop()
  })

  it('amdgpu hwmon samples power now', async () => {
    tree = buildSysfs(loadFixture('hwmon-amdgpu.json'))
    const s = (await amdHwmonProbe.probe(env({ sysfsRoot: tree.root }))).sensor!
    await expectCurrent(s, 'gpu0', 48) // hwmon2: a constant 48 W
  })

  it('an amdgpu whose power file holds no number is unmeasured, not 0 W', async () => {
    tree = buildSysfs(loadFixture('hwmon-amdgpu.json'))
    writeFileSync(tree.hwmonFile('hwmon3', 'power1_average'), 'garbage\n')
    const s = (await amdHwmonProbe.probe(env({ sysfsRoot: tree.root }))).sensor!
    await s.start()
    await s.refresh!()
    const [, b] = await s.stop()
    expect(b).toMatchObject({ energyJ: 0, meanPowerW: null, coverage: 0, samples: 0 })
    expect(b!.notes!.join('\n')).toMatch(/power1_average gave no power reading: not measured/)
  })

  it('NVML asks the helper now; concurrent refreshes and polls never cross', async () => {
    vars.JOULEGATE_FAKE_GPUS = JSON.stringify([{ name: 'H100', uuid: 'GPU-aaaa', power: 200 }])
    vars.JOULEGATE_FAKE_EPOCH_MS = String(Date.now())
    const e = env({
      nvidiaSmi: writeWrapper(dir, 'nvidia-smi', FAKE_NVIDIA_SMI, vars),
      python: writeWrapper(dir, 'python3', FAKE_PYTHON, vars)
    })
    const { inventory } = await listNvidiaGpus(e)
    const s = (await createNvmlSensor(e, inventory!)).sensor!
    await expectCurrent(s, 'gpu0', 200, 0.002) // the fake counts whole mJ
    await s.start()
    const seen: number[] = []
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        await s.refresh!()
        seen.push(energyOf(s, 'gpu0'))
      })
    )
    expect(seen).toEqual([...seen].sort((a, b) => a - b))
    const [g] = await s.stop()
    expect(g!.notes ?? []).toEqual([])
  })

  it('nvidia-smi reads what its loop wrote so far', async () => {
    vars.JOULEGATE_FAKE_GPUS = JSON.stringify([{ name: 'A40', uuid: 'GPU-aaaa', power: 150 }])
    const e = env({ nvidiaSmi: writeWrapper(dir, 'nvidia-smi', FAKE_NVIDIA_SMI, vars) })
    const { inventory } = await listNvidiaGpus({ ...e, intervalMs: 50 })
    const s = createNvidiaSmiSensor({ ...e, intervalMs: 50 }, inventory!).sensor!
    // the newest reading may be one interval old (and a few ms of the process's own latency)
    await expectCurrent(s, 'gpu0', 150, 0.1)
  })

  it('the estimate samples the load now', async () => {
    const s = new EstimateSensor(
      env({}),
      { cpuName: 'Test CPU', threads: 4, memoryGB: 8 },
      { readLoad: () => Promise.resolve(100) }
    )
    await expectCurrent(s, 'cpu0', estimateCpuPowerW(4, 1))
  })

  it('the estimate keeps going when a load reading fails', async () => {
    let fail = false
    const s = new EstimateSensor(
      env({}),
      { cpuName: 'Test CPU', threads: 4, memoryGB: 8 },
      { readLoad: () => (fail ? Promise.reject(new Error('no /proc')) : Promise.resolve(50)) }
    )
    await s.start()
    fail = true
    await expect(s.refresh!()).resolves.toBeUndefined()
    fail = false
    const [cpu] = await s.stop()
    expect(cpu!.energyJ).toBeGreaterThan(0)
  })
})
