// RAPL counters that fail mid-run, as they do on real machines: the file becomes unreadable (a
// permission change, an unplugged MMIO region), it holds garbage, the counter resets (a driver
// reload), or it jumps further than the package could have drawn. Each is a gap that lowers the
// coverage, never energy and never silent.
import { afterEach, describe, expect, it } from '@jest/globals'
import { raplProbe } from '../../src/sensors/rapl.js'
import type { EnergySensor, SensorEnv } from '../../src/sensors/sensor.js'
import type { Component } from '../../src/core/types.js'
import { buildSysfs, loadFixture, type SysfsTree } from './sysfs-tree.js'

const envFor = (root: string): SensorEnv => ({
  sysfsRoot: root,
  nvidiaSmi: 'nvidia-smi',
  cudaVisibleDevices: undefined,
  intervalMs: 20,
  python: null
})
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

let tree: SysfsTree | null = null
afterEach(() => tree?.cleanup())

const START = 12345678 // the fixture's package-0 energy_uj

async function startDesktop(): Promise<EnergySensor> {
  tree = buildSysfs(loadFixture('rapl-amd-desktop.json'))
  const { sensor } = await raplProbe.probe(envFor(tree.root))
  await sensor!.start()
  return sensor!
}

/** Two halves of ~400 ms: 10 J counted in the first, the fault in the second. */
async function runWithFault(fault: (t: SysfsTree) => void): Promise<Component> {
  const s = await startDesktop()
  tree!.setCounter('intel-rapl:0', START + 10e6)
  await sleep(400)
  await s.refresh!()
  fault(tree!)
  await sleep(400)
  const [cpu] = await s.stop()
  return cpu!
}

describe('RAPL faults are gaps', () => {
  it('a counter unreadable for the second half: about half covered, said so', async () => {
    const cpu = await runWithFault((t) => t.breakCounter('intel-rapl:0', 'unreadable'))
    expect(cpu.energyJ).toBeCloseTo(10, 6)
    expect(cpu.coverage).toBeGreaterThan(0.3)
    expect(cpu.coverage).toBeLessThan(0.7)
    expect(cpu.notes?.join('\n')).toMatch(/could not be read for the last .* s .*EISDIR/)
  })

  it('a counter printing garbage for the second half: the same gap, with what it held', async () => {
    const cpu = await runWithFault((t) => t.breakCounter('intel-rapl:0', 'garbage'))
    expect(cpu.energyJ).toBeCloseTo(10, 6)
    expect(cpu.coverage).toBeLessThan(0.7)
    expect(cpu.notes?.join('\n')).toMatch(/could not be read .*held "\\u0000/)
  })

  it('a counter that resets (goes back, no wrap explains it) is a gap, not a wrap of 4 kJ', async () => {
    const cpu = await runWithFault((t) => t.setCounter('intel-rapl:0', 1000))
    expect(cpu.energyJ).toBeCloseTo(10, 6)
    expect(cpu.coverage).toBeLessThan(0.7)
    expect(cpu.notes?.join('\n')).toMatch(/implausible counter step.*across a wrap/)
  })

  it('a reset on a counter with a huge range (server, 262 GJ) is a gap too', async () => {
    tree = buildSysfs(loadFixture('rapl-server.json'))
    const { sensor } = await raplProbe.probe(envFor(tree.root))
    const s = sensor!
    await s.start()
    // package-1 starts at 1 J: 5 J, then back to 2 mJ, then 3 J more
    tree.setCounter('intel-rapl:1', 1e6 + 5e6)
    await sleep(300)
    await s.refresh!()
    tree.setCounter('intel-rapl:1', 2e3)
    await sleep(300)
    await s.refresh!()
    tree.setCounter('intel-rapl:1', 2e3 + 3e6)
    const cpu1 = (await s.stop()).find((c) => c.id === 'cpu1')!
    expect(cpu1.energyJ).toBeCloseTo(8, 6)
    expect(cpu1.coverage).toBeLessThan(0.8)
    expect(cpu1.coverage).toBeGreaterThan(0.2)
  })

  it('a step beyond 1 kW over the time between readings is a gap', async () => {
    const cpu = await runWithFault((t) => t.setCounter('intel-rapl:0', START + 10e6 + 3e12))
    expect(cpu.energyJ).toBeCloseTo(10, 6)
    expect(cpu.coverage).toBeLessThan(0.7)
    expect(cpu.notes?.join('\n')).toMatch(/implausible counter step.*beyond 1000 W/)
  })

  it('a read that fails once and then recovers keeps full coverage: the counter carried it', async () => {
    const s = await startDesktop()
    tree!.breakCounter('intel-rapl:0', 'unreadable')
    await s.refresh!()
    tree!.setCounter('intel-rapl:0', START + 7e6)
    const [cpu] = await s.stop()
    expect(cpu!.energyJ).toBeCloseTo(7, 6)
    expect(cpu!.coverage).toBeGreaterThan(0.99)
    expect(cpu!.notes?.join('\n')).toMatch(/carried the energy across/)
  })
})
