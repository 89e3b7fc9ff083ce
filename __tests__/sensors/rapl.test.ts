import { afterEach, describe, expect, it } from '@jest/globals'
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { raplProbe } from '../../src/sensors/rapl/sensor.js'
import type { EnergySensor, SensorEnv } from '../../src/sensors/sensor.js'
import { buildSysfs, loadFixture, type SysfsTree } from './sysfs-tree.js'

const envFor = (root: string): SensorEnv => ({
  sysfsRoot: root,
  nvidiaSmi: 'nvidia-smi',
  cudaVisibleDevices: undefined,
  intervalMs: 20,
  python: null
})

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
}

let tree: SysfsTree | null = null
afterEach(() => tree?.cleanup())

describe('RAPL sensor on a two-socket server tree', () => {
  it('counts each package and its dram once, across a counter wrap', async () => {
    tree = buildSysfs(loadFixture('rapl-server.json'))
    const { sensor, notices } = await raplProbe.probe(envFor(tree.root))
    expect(notices).toEqual([])
    const s = sensor as EnergySensor
    await s.start()
    const range = 262143328850
    // package-0 starts 328850 µJ below its wrap point: +300000 µJ, then wraps past it by 1000000 µJ
    writeFileSync(tree.raplFile('intel-rapl:0'), String(262143000000 + 300000))
    writeFileSync(tree.raplFile('intel-rapl:1'), String(1000000 + 2000000))
    writeFileSync(tree.raplFile('intel-rapl:0:2'), String(7000000 + 500000))
    await until(() => s.snapshot().find((c) => c.id === 'cpu0')!.energyJ > 0)
    writeFileSync(tree.raplFile('intel-rapl:0'), String(1000000))
    // core, uncore, psys and the MMIO copy all move too; none of it may be counted
    writeFileSync(tree.raplFile('intel-rapl:0:0'), String(5000000 + 9e9))
    writeFileSync(tree.raplFile('intel-rapl:2'), String(9000000 + 9e9))
    writeFileSync(tree.raplFile('intel-rapl-mmio:0'), String(262143000000 + 9e9 - range))
    const comps = await s.stop()
    const byId = Object.fromEntries(comps.map((c) => [c.id, c]))
    expect(Object.keys(byId).sort()).toEqual(['cpu0', 'cpu1', 'ram0', 'ram1'])
    expect(byId.cpu0!.energyJ).toBeCloseTo((range - 262143000000 + 1000000) / 1e6, 6)
    expect(byId.cpu1!.energyJ).toBeCloseTo(2, 6)
    expect(byId.ram0!.energyJ).toBeCloseTo(0.5, 6)
    expect(byId.ram1!.energyJ).toBe(0)
    expect(byId.cpu0).toMatchObject({
      kind: 'cpu',
      name: 'package-0',
      method: 'counter',
      source: 'rapl'
    })
    expect(byId.ram0).toMatchObject({
      kind: 'ram',
      name: 'dram',
      method: 'counter',
      source: 'rapl'
    })
  })

  it('measures an AMD package zone and says that DRAM is not included', async () => {
    tree = buildSysfs(loadFixture('rapl-amd-desktop.json'))
    const { sensor, notices } = await raplProbe.probe(envFor(tree.root))
    expect(notices.join('\n')).toMatch(/no readable dram zone/)
    await sensor!.start()
    writeFileSync(tree.raplFile('intel-rapl:0'), String(12345678 + 4200000))
    const comps = await sensor!.stop()
    expect(comps.map((c) => [c.id, c.energyJ])).toEqual([['cpu0', 4.2]])
  })
})

describe('RAPL probe falls back with a clear notice', () => {
  it('when energy_uj cannot be read (EISDIR stands in for any read error)', async () => {
    tree = buildSysfs(loadFixture('rapl-amd-desktop.json'))
    const file = tree.raplFile('intel-rapl:0')
    rmSync(file)
    mkdirSync(file)
    const { sensor, notices } = await raplProbe.probe(envFor(tree.root))
    expect(sensor).toBeNull()
    expect(notices.join('\n')).toMatch(
      /cannot read .*intel-rapl:0\/energy_uj \(EISDIR\).*CPU estimate/
    )
  })

  // chmod 000 does not stop root from reading, so this check only means something as a normal user.
  const asRoot = process.getuid?.() === 0
  ;(asRoot ? it.skip : it)(
    'when energy_uj is root-only (EACCES), naming the file and the fix',
    async () => {
      tree = buildSysfs(loadFixture('rapl-amd-desktop.json'))
      chmodSync(tree.raplFile('intel-rapl:0'), 0o000)
      const { sensor, notices } = await raplProbe.probe(envFor(tree.root))
      expect(sensor).toBeNull()
      expect(notices.join('\n')).toMatch(
        /EACCES.*Linux 5\.10.*sudo chmod a\+r .*intel-rapl:\*\/energy_uj.*udev/s
      )
    }
  )

  it('when there is no powercap class at all', async () => {
    const { sensor, notices } = await raplProbe.probe(envFor('/nonexistent-sysfs'))
    expect(sensor).toBeNull()
    expect(notices.join('\n')).toMatch(/no \/nonexistent-sysfs\/class\/powercap/)
  })
})
