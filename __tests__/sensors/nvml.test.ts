import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { listNvidiaGpus } from '../../src/sensors/nvidia-smi/sensor.js'
import { createNvmlSensor } from '../../src/sensors/nvml/sensor.js'
import type { SensorEnv } from '../../src/sensors/sensor.js'
import { FAKE_NVIDIA_SMI, FAKE_PYTHON, writeWrapper } from './fake-tools.js'

let dir: string
let vars: Record<string, string>
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'joulegate-nvml-'))
  vars = {}
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function env(python: string | null | 'fake'): SensorEnv {
  return {
    sysfsRoot: '/nonexistent',
    nvidiaSmi: writeWrapper(dir, 'nvidia-smi', FAKE_NVIDIA_SMI, vars),
    cudaVisibleDevices: undefined,
    intervalMs: 100,
    python: python === 'fake' ? writeWrapper(dir, 'python3', FAKE_PYTHON, vars) : python
  }
}

function twoGpus(): number {
  const epoch = Date.now()
  vars.JOULEGATE_FAKE_GPUS = JSON.stringify([
    {
      name: 'NVIDIA H100 80GB HBM3',
      uuid: 'GPU-aaaa',
      powerLimitW: 700,
      power: [
        [0, 100],
        [0.4, 500]
      ]
    },
    { name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-bbbb', powerLimitW: 700, power: 70 }
  ])
  vars.JOULEGATE_FAKE_EPOCH_MS = String(epoch)
  return epoch
}

async function probe(python: string | null | 'fake') {
  const e = env(python)
  const { inventory } = await listNvidiaGpus(e)
  return createNvmlSensor(e, inventory!)
}

describe('NVML sensor through the helper protocol', () => {
  it('reads energy counters (method counter) that match the power trace', async () => {
    const epoch = twoGpus()
    const { sensor, notices } = await probe('fake')
    expect(notices).toEqual([])
    await sensor!.start()
    const a = (Date.now() - epoch) / 1000
    await sleep(1200)
    const snap = sensor!.snapshot()
    const b = (Date.now() - epoch) / 1000
    const [g0, g1] = await sensor!.stop()
    const truth0 = 100 * (0.4 - Math.min(a, 0.4)) + 500 * (b - Math.max(a, 0.4))
    expect(Math.abs(g0!.energyJ - truth0) / truth0).toBeLessThan(0.05)
    expect(Math.abs(g1!.energyJ - 70 * (b - a)) / (70 * (b - a))).toBeLessThan(0.05)
    expect(snap[0]!.energyJ).toBeGreaterThan(0)
    expect(g0).toMatchObject({
      id: 'gpu0',
      kind: 'gpu',
      method: 'counter',
      source: 'nvml',
      powerLimitW: 700,
      uuid: 'GPU-aaaa',
      coverage: 1
    })
    expect(g1!.meanPowerW).toBeCloseTo(70, 0)
  })

  it.each([
    { mode: 'not-supported', want: /no total-energy counter/ },
    { mode: 'no-lib', want: /NVML unavailable \(cannot load libnvidia-ml\.so\.1/ },
    { mode: 'init-fail', want: /NVML unavailable \(nvmlInit_v2: Driver Not Loaded/ }
  ])('gives way to nvidia-smi when NVML says $mode', async ({ mode, want }) => {
    twoGpus()
    vars.JOULEGATE_FAKE_NVML = mode
    const { sensor, notices } = await probe('fake')
    expect(sensor).toBeNull()
    expect(notices.join('\n')).toMatch(want)
    expect(notices.join('\n')).toMatch(/using nvidia-smi/)
  })

  it('gives way when python is missing or disabled', async () => {
    twoGpus()
    const missing = await probe(join(dir, 'no-such-python'))
    expect(missing.sensor).toBeNull()
    expect(missing.notices.join('\n')).toMatch(/could not run .*ENOENT.*using nvidia-smi/)
    const disabled = await probe(null)
    expect(disabled.sensor).toBeNull()
    expect(disabled.notices.join('\n')).toMatch(/no python interpreter/)
  })

  // The real helper under a real python3, on a host without the NVIDIA driver: it must say so.
  const python =
    ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p)) ?? whichPython()
  const hasNvml = [
    '/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1',
    '/usr/lib64/libnvidia-ml.so.1'
  ].some((p) => existsSync(p))
  ;(python && !hasNvml ? it : it.skip)(
    'the embedded helper reports a missing libnvidia-ml under real python',
    async () => {
      twoGpus()
      const { sensor, notices } = await probe(python!)
      expect(sensor).toBeNull()
      expect(notices.join('\n')).toMatch(/NVML unavailable \(cannot load libnvidia-ml\.so\.1/)
    }
  )
})

function whichPython(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).trim() || null
  } catch {
    return null
  }
}
