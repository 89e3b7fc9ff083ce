import { afterEach, describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { amdHwmonProbe, listAmdGpus } from '../../src/sensors/amd-hwmon/sensor.js'
import type { SensorEnv } from '../../src/sensors/sensor.js'
import { buildSysfs, loadFixture, type SysfsTree } from './sysfs-tree.js'

let tree: SysfsTree | null = null
afterEach(() => tree?.cleanup())
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const env = (root: string): SensorEnv => ({
  sysfsRoot: root,
  nvidiaSmi: 'nvidia-smi',
  cudaVisibleDevices: undefined,
  intervalMs: 20,
  python: null
})

describe('amdgpu hwmon', () => {
  it('finds amdgpu cards by name, in PCI order, with whichever power file exists', () => {
    tree = buildSysfs(loadFixture('hwmon-amdgpu.json'))
    const gpus = listAmdGpus(tree.root).map((g) => ({
      ...g,
      hwmon: g.hwmon.split('/').pop(),
      powerFile: g.powerFile.split('/').pop()
    }))
    expect(gpus).toEqual([
      {
        hwmon: 'hwmon2',
        powerFile: 'power1_input',
        name: 'AMD GPU (hwmon)',
        busId: '0000:03:00.0',
        powerLimitW: null
      },
      {
        hwmon: 'hwmon3',
        powerFile: 'power1_average',
        name: 'AMD Instinct MI210',
        busId: '0000:43:00.0',
        powerLimitW: 300
      }
    ])
  })

  it('integrates microwatt readings into joules (power-integration)', async () => {
    tree = buildSysfs(loadFixture('hwmon-amdgpu.json'))
    const { sensor } = await amdHwmonProbe.probe(env(tree.root))
    await sensor!.start()
    await sleep(300)
    writeFileSync(tree.hwmonFile('hwmon3', 'power1_average'), '252000000\n')
    await sleep(300)
    const [a, b] = await sensor!.stop()
    expect(a).toMatchObject({
      id: 'gpu0',
      kind: 'gpu',
      method: 'power-integration',
      source: 'amd-hwmon',
      busId: '0000:03:00.0'
    })
    expect(a!.meanPowerW).toBeCloseTo(48, 6) // constant 48 W
    expect(b!.meanPowerW).toBeGreaterThan(152)
    expect(b!.meanPowerW).toBeLessThan(252)
    expect(b).toMatchObject({ name: 'AMD Instinct MI210', powerLimitW: 300, coverage: 1 })
  })

  it('is absent, quietly, when no amdgpu is present', async () => {
    const { sensor, notices } = await amdHwmonProbe.probe(env('/nonexistent'))
    expect(sensor).toBeNull()
    expect(notices).toEqual([])
  })
})
