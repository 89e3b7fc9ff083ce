import { describe, expect, it } from '@jest/globals'
import {
  describeCpuModel,
  describeRamModel,
  estimateCpuPowerW,
  estimateRamPowerW
} from '../../src/core/estimate-model.js'
import { EstimateSensor, readEstimateHost } from '../../src/sensors/estimate.js'
import type { SensorEnv } from '../../src/sensors/sensor.js'

describe('estimate model', () => {
  it.each([
    { threads: 8, load: 0, want: 8 * 0.74 },
    { threads: 8, load: 1, want: 8 * 3.5 },
    { threads: 16, load: 0.5, want: 16 * (0.74 + 2.76 * 0.5) },
    { threads: 4, load: 1.7, want: 4 * 3.5 }, // clamped
    { threads: 4, load: Number.NaN, want: 4 * 0.74 }
  ])('CPU: $threads threads at load $load', ({ threads, load, want }) => {
    expect(estimateCpuPowerW(threads, load)).toBeCloseTo(want, 9)
  })
  it.each([
    { gb: 16, want: 6.272 },
    { gb: 0, want: 0 }
  ])('RAM: $gb GB', ({ gb, want }) => {
    expect(estimateRamPowerW(gb)).toBeCloseTo(want, 9)
  })
  it('names the model and its coefficients', () => {
    expect(describeCpuModel(12)).toMatch(/12 threads.*0\.74.*3\.5.*SPECpower/)
    expect(describeRamModel(31.25)).toMatch(/0\.392 W\/GB × 31\.3 GB/)
  })
})

const env: SensorEnv = {
  sysfsRoot: '/sys',
  nvidiaSmi: 'nvidia-smi',
  cudaVisibleDevices: undefined,
  intervalMs: 100,
  python: null
}

describe('estimate sensor', () => {
  it('labels both components as estimates and follows the sampled load', async () => {
    const loads = [0, 50, 50, 50, 50]
    const sensor = new EstimateSensor(
      env,
      { cpuName: 'Test CPU', threads: 4, memoryGB: 8 },
      {
        reason: 'no CPU counter',
        readLoad: async () => loads.shift() ?? 50
      }
    )
    await sensor.start()
    await new Promise((r) => setTimeout(r, 1100))
    const [cpu, ram] = await sensor.stop()
    expect(cpu).toMatchObject({
      id: 'cpu0',
      kind: 'cpu',
      method: 'estimate',
      source: 'estimate',
      name: 'Test CPU'
    })
    expect(ram).toMatchObject({ id: 'ram', kind: 'ram', method: 'estimate', source: 'estimate' })
    expect(cpu!.meanPowerW).toBeCloseTo(estimateCpuPowerW(4, 0.5), 6)
    expect(ram!.meanPowerW).toBeCloseTo(estimateRamPowerW(8), 6)
    expect(cpu!.model).toMatch(/^ccf-specpower-linear/)
    expect(cpu!.notes!.join('\n')).toMatch(
      /no CPU counter[\s\S]*not measured; mean host CPU load 50\.0 %/
    )
  })

  it('reads this host from /proc', async () => {
    const host = await readEstimateHost()
    expect(host.threads).toBeGreaterThan(0)
    expect(host.memoryGB).toBeGreaterThan(0)
    expect(host.cpuName.length).toBeGreaterThan(0)
  })

  it("samples this host's load from /proc/stat when no reader is given", async () => {
    const sensor = new EstimateSensor({ ...env, intervalMs: 1000 }, await readEstimateHost())
    await sensor.start()
    let spin = 0
    for (const end = Date.now() + 150; Date.now() < end;) spin++
    const [cpu] = await sensor.stop()
    expect(spin).toBeGreaterThan(0)
    const load = Number(/mean host CPU load ([\d.]+) %/.exec(cpu!.notes!.join('\n'))![1])
    // this process kept one CPU busy for the whole window
    expect(load).toBeGreaterThan(0)
    expect(load).toBeLessThanOrEqual(100)
  })
})
