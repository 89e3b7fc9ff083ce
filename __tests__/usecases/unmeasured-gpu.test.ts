// A GPU whose sensor gave no reading at all (nvidia-smi that never answers, a power field that is
// always [N/A]) is not a saving: it stays in the measurement with coverage 0 and the verdict says
// the measurement is incomplete, with or without a baseline.
import { describe, expect, it } from '@jest/globals'
import { measureCommand, type MeasureOptions } from '../../src/usecases/measure.js'
import type { Component, HostInfo } from '../../src/core/types.js'
import type { EnergySensor } from '../../src/sensors/sensor.js'
import { judge } from '../../src/core/judge/verdict.js'
import { renderTerminal } from '../../src/core/report/terminal.js'
import { makeBudget, makeInput, makeRecord } from '../core/judge/fixtures.js'

/** A CPU counter at constant power and a GPU that, like an nvidia-smi that never answered, has nothing. */
class CpuAndSilentGpu implements EnergySensor {
  readonly source = 'fake'
  private t0 = 0
  async start(): Promise<void> {
    this.t0 = performance.now()
  }
  snapshot() {
    return [
      { id: 'cpu0', energyJ: (50 * (performance.now() - this.t0)) / 1000 },
      { id: 'gpu0', energyJ: 0 }
    ]
  }
  async stop(): Promise<Component[]> {
    const seconds = (performance.now() - this.t0) / 1000
    return [
      {
        id: 'cpu0',
        kind: 'cpu',
        name: 'package-0',
        method: 'counter',
        source: 'rapl',
        energyJ: 50 * seconds,
        meanPowerW: 50,
        coverage: 1,
        samples: 5
      },
      {
        id: 'gpu0',
        kind: 'gpu',
        name: 'NVIDIA A40',
        method: 'power-integration',
        source: 'nvidia-smi',
        energyJ: 0,
        meanPowerW: null,
        samples: 0,
        coverage: 0,
        notes: ['nvidia-smi gave no power reading: not measured']
      }
    ]
  }
}

const host: HostInfo = { fingerprint: 'test', cpu: 'test cpu', gpus: [] }
const options: MeasureOptions = {
  command: { argv: [process.execPath, '-e', 'setTimeout(() => {}, 200)'] },
  env: { ...process.env, JOULEGATE_METRICS_FILE: '' },
  openSensors: async () => ({ sensors: [new CpuAndSilentGpu()] }),
  readHost: async () => host,
  idleS: 0,
  repeat: 1,
  intervalMs: 20,
  log: () => undefined
}

describe('a GPU that gave no reading', () => {
  it('stays in the measurement as 0 J with coverage 0, not dropped', async () => {
    const m = await measureCommand(options)
    const gpu = m.components.find((c) => c.id === 'gpu0')
    expect(gpu).toMatchObject({ kind: 'gpu', energyJ: 0, coverage: 0, samples: 0 })
    expect((m.notices ?? []).join('\n')).toMatch(/gpu0 \(NVIDIA A40\) gave no reading/)
  })

  it('without a baseline: inconclusive, the reason in the first line, not a pass under the cap', async () => {
    const m = await measureCommand(options)
    const j = judge(
      makeInput({
        budget: makeBudget({ metrics: {}, energyKwh: 0.05 }),
        run: { measurement: m, normalization: null }
      })
    )
    expect(j.verdict).toBe('inconclusive')
    // the verdict on the first line, why on the second (the reading a reviewer gets first)
    expect(renderTerminal(j).split('\n').slice(0, 2).join(' ')).toMatch(
      /measurement incomplete.*cover 0\.0% of its energy \(gpu0 0\.0%\)/
    )
  })

  it('against a baseline that measured the GPU: inconclusive, not PASS -86%', async () => {
    const m = await measureCommand(options)
    const base = makeRecord({ kwh: 0.01 })
    base.measurement.components = [
      { ...m.components.find((c) => c.id === 'cpu0')! },
      {
        id: 'gpu0',
        kind: 'gpu',
        name: 'NVIDIA A40',
        method: 'power-integration',
        source: 'nvidia-smi',
        energyJ: 0.01 * 3.6e6,
        meanPowerW: 250,
        coverage: 1,
        samples: 100
      }
    ]
    const j = judge(
      makeInput({
        budget: makeBudget({ metrics: {}, energyIncrease: 0.1 }),
        run: { measurement: m, normalization: null },
        baseline: { record: base, reason: "the pull request's base commit" }
      })
    )
    expect(j.verdict).toBe('inconclusive')
    expect(j.headline).toMatch(/^measurement incomplete, not judged: .*gpu0/)
  })
})
