// NVIDIA readings the GPU cannot have given (a firmware glitch printing 100 MW, an NVML counter
// that restarts after a driver reload) are gaps that lower coverage, never energy.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNvidiaSmiSensor, listNvidiaGpus } from '../../src/sensors/nvidia-smi.js'
import { createNvmlSensor } from '../../src/sensors/nvml.js'
import type { SensorEnv } from '../../src/sensors/sensor.js'
import {
  computeMaxPlausiblePowerW,
  isPlausiblePower,
  judgeCounterStep
} from '../../src/core/plausibility.js'
import { FAKE_NVIDIA_SMI, FAKE_PYTHON, writeWrapper } from './fake-tools.js'

let dir: string
let vars: Record<string, string>
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'joulegate-implausible-'))
  vars = {}
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function env(): SensorEnv {
  return {
    sysfsRoot: '/nonexistent',
    nvidiaSmi: writeWrapper(dir, 'nvidia-smi', FAKE_NVIDIA_SMI, vars),
    cudaVisibleDevices: undefined,
    intervalMs: 50,
    python: writeWrapper(dir, 'python3', FAKE_PYTHON, vars)
  }
}

function oneGpu(power: [number, number][]): void {
  vars.JOULEGATE_FAKE_GPUS = JSON.stringify([
    { name: 'NVIDIA A40', uuid: 'GPU-aaaa1111', powerLimitW: 300, power }
  ])
  vars.JOULEGATE_FAKE_EPOCH_MS = String(Date.now())
}

describe('plausibility rule', () => {
  it('allows up to 1.5 x the power limit, 3 kW without one', () => {
    expect(computeMaxPlausiblePowerW(300)).toBe(450)
    expect(computeMaxPlausiblePowerW(null)).toBe(3000)
    expect(isPlausiblePower(449, 300)).toBe(true)
    expect(isPlausiblePower(1e8, 300)).toBe(false)
    expect(isPlausiblePower(-5, 300)).toBe(false)
    expect(isPlausiblePower(NaN, 300)).toBe(false)
  })

  it('judges counter steps against the power over the elapsed time plus 1 s', () => {
    expect(judgeCounterStep(400, 1, 450).kind).toBe('energy')
    expect(judgeCounterStep(-1, 1, 450).kind).toBe('backwards')
    expect(judgeCounterStep(901, 1, 450).kind).toBe('implausible')
  })
})

describe('nvidia-smi: a 100 MW reading on a 300 W GPU', () => {
  it('is refused: the gap lowers coverage and the energy stays within the power limit', async () => {
    oneGpu([
      [0, 250],
      [0.5, 1e8]
    ])
    const e = env()
    const { inventory } = await listNvidiaGpus(e)
    const sensor = createNvidiaSmiSensor(e, inventory!).sensor!
    await sensor.start()
    const t0 = Date.now()
    await sleep(1200)
    const [gpu] = await sensor.stop()
    const seconds = (Date.now() - t0) / 1000
    expect(gpu!.energyJ).toBeLessThan(300 * 1.5 * seconds)
    expect(gpu!.coverage).toBeLessThan(0.8)
    expect(gpu!.notes?.join('\n')).toMatch(/readings refused as impossible .*above 450 W/)
  })
})

describe('NVML: a counter that goes backwards or jumps', () => {
  async function runNvml() {
    const e = env()
    const { inventory } = await listNvidiaGpus(e)
    const { sensor } = await createNvmlSensor(e, inventory!)
    const s = sensor!
    // the power trace starts now, not at the probe, which takes a while on a loaded machine
    vars.JOULEGATE_FAKE_EPOCH_MS = String(Date.now())
    writeWrapper(dir, 'python3', FAKE_PYTHON, vars)
    const t0 = Date.now()
    await s.start()
    for (let i = 0; i < 6; i++) {
      await sleep(200)
      await s.refresh!()
    }
    const [gpu] = await s.stop()
    return { ...gpu!, seconds: (Date.now() - t0) / 1000 }
  }

  it('a reset after a driver reload is a gap, not 0 J or a negative step', async () => {
    oneGpu([[0, 200]])
    vars.JOULEGATE_FAKE_NVML_RESET_S = '0.7'
    const gpu = await runNvml()
    // 200 W over the run, less the ~0.2 s between the readings around the reset
    expect(gpu.energyJ).toBeGreaterThan(100)
    expect(gpu.energyJ).toBeLessThan(200 * gpu.seconds * 0.95)
    expect(gpu.coverage).toBeLessThan(0.95)
    expect(gpu.notes?.join('\n')).toMatch(/impossible counter step.*went back/)
  })

  it('a step of 100 MW for 0.3 s is a gap, not 30 MJ', async () => {
    oneGpu([
      [0, 200],
      [0.5, 1e8],
      [0.8, 200]
    ])
    const gpu = await runNvml()
    expect(gpu.energyJ).toBeLessThan(300 * 1.5 * 2)
    expect(gpu.coverage).toBeLessThan(0.95)
    expect(gpu.notes?.join('\n')).toMatch(/impossible counter step.*beyond 450 W/)
  })
})
