import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { probeSensors, readGpuInventory } from '../../src/sensors/probe-sensors.js'
import type { SensorEnv } from '../../src/sensors/sensor.js'
import { FAKE_NVIDIA_SMI, FAKE_PYTHON, writeWrapper } from './fake-tools.js'
import { buildSysfs, loadFixture, type SysfsTree } from './sysfs-tree.js'

let dir: string
let tree: SysfsTree
const vars = {
  JOULEGATE_FAKE_GPUS: JSON.stringify([
    { name: 'NVIDIA A40', uuid: 'GPU-aaaa', powerLimitW: 300, power: 120 }
  ])
}
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'joulegate-probe-'))
  tree = buildSysfs({ ...loadFixture('rapl-server.json'), ...loadFixture('hwmon-amdgpu.json') })
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
  tree.cleanup()
})

const env = (over: Partial<SensorEnv>): SensorEnv => ({
  sysfsRoot: tree.root,
  nvidiaSmi: writeWrapper(dir, 'nvidia-smi', FAKE_NVIDIA_SMI, vars),
  cudaVisibleDevices: undefined,
  intervalMs: 100,
  python: writeWrapper(dir, 'python3', FAKE_PYTHON, vars),
  ...over
})

describe('probeSensors', () => {
  it('prefers NVML, adds AMD hwmon after the NVIDIA ids, and RAPL for the CPU', async () => {
    const { sensors, notices, crossChecks } = await probeSensors(env({}))
    expect(sensors.map((s) => s.source)).toEqual(['nvml', 'amd-hwmon', 'rapl'])
    expect(crossChecks).toEqual([])
    expect(notices).toEqual([])
    const amd = sensors[1]!
    await amd.start()
    expect((await amd.stop()).map((c) => c.id)).toEqual(['gpu1', 'gpu2'])
  })

  it('uses nvidia-smi when python is unavailable, and the estimate when RAPL is missing', async () => {
    const { sensors, notices } = await probeSensors(
      env({ python: join(dir, 'nope'), sysfsRoot: '/nonexistent' })
    )
    expect(sensors.map((s) => s.source)).toEqual(['nvidia-smi', 'estimate'])
    expect(notices.join('\n')).toMatch(/using nvidia-smi/)
    expect(notices.join('\n')).toMatch(/CPU and RAM are estimated while the GPU is measured/)
  })

  it('offers nvidia-smi as a cross-check beside NVML without adding it to the sensors', async () => {
    const { sensors, crossChecks } = await probeSensors(env({}), { crossCheck: true })
    expect(sensors.map((s) => s.source)).toEqual(['nvml', 'amd-hwmon', 'rapl'])
    expect(crossChecks.map((s) => s.source)).toEqual(['nvidia-smi'])
  })

  it('falls back to the estimate alone on a bare host, without nagging about nvidia-smi', async () => {
    const { sensors, notices } = await probeSensors(
      env({ nvidiaSmi: join(dir, 'none'), sysfsRoot: '/nonexistent' })
    )
    expect(sensors.map((s) => s.source)).toEqual(['estimate'])
    expect(notices.join('\n')).not.toMatch(/nvidia-smi not found/)
    expect(notices.join('\n')).toMatch(/no energy counter or power sensor could be read/)
  })
})

describe('readGpuInventory', () => {
  it('lists NVIDIA and AMD GPUs with limits and driver', async () => {
    const inv = await readGpuInventory(env({}))
    expect(inv.map((g) => [g.vendor, g.name, g.powerLimitW, g.driver])).toEqual([
      ['nvidia', 'NVIDIA A40', 300, '550.54.15'],
      ['amd', 'AMD GPU (hwmon)', null, null],
      ['amd', 'AMD Instinct MI210', 300, null]
    ])
  })
})
