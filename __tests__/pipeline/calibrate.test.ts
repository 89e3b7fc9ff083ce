import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FolderStore } from '../../src/adapters/folder-store.js'
import { validateCalibration } from '../../src/core/normalize/index.js'
import type { Calibration } from '../../src/core/types.js'
import { runCalibration, type CalibrateOptions } from '../../src/pipeline/calibrate.js'
import { loadReferenceSuite, parseCustomWorkload } from '../../src/pipeline/reference-suite.js'

const dir = mkdtempSync(join(tmpdir(), 'jg-cal-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const node = process.execPath
// Busy loops of different lengths: the estimate sensor (no RAPL here) sees real CPU load.
const busy = (ms: number): string =>
  `${node} -e "const t=Date.now(); while (Date.now()-t<${ms}) {}"`

function options(extra: Partial<CalibrateOptions> = {}): CalibrateOptions {
  return {
    workloads: [
      parseCustomWorkload(`short=${busy(150)}`),
      parseCustomWorkload(`long=${busy(450)}`)
    ],
    runs: 2,
    quick: true,
    cooldownS: 0,
    idleS: 0,
    intervalMs: 50,
    env: {
      ...process.env,
      JOULEGATE_SYSFS_ROOT: join(dir, 'no-sysfs'),
      JOULEGATE_NVIDIA_SMI: join(dir, 'no-smi'),
      JOULEGATE_PYTHON: 'none'
    },
    log: () => undefined,
    store: null,
    ...extra
  }
}

describe('runCalibration', () => {
  it('writes one valid point per workload with runs and cv, and reports progress after each', async () => {
    const partials: Calibration[] = []
    const { calibration, interrupted } = await runCalibration(
      options({ onProgress: async (c) => void partials.push(c) })
    )
    expect(interrupted).toBe(false)
    expect(
      validateCalibration(JSON.parse(JSON.stringify(calibration)), 'cal.json').points.map(
        (p) => p.workload
      )
    ).toEqual(['short', 'long'])
    expect(calibration.points.every((p) => p.runs === 2 && typeof p.cv === 'number')).toBe(true)
    expect(calibration.points[1]!.energyJ).toBeGreaterThan(calibration.points[0]!.energyJ)
    expect(calibration.powerOf).toBe('cpu')
    expect(calibration.notices?.join(' ')).toMatch(/estimate model/)
    expect(partials.map((p) => p.points.length)).toEqual([1, 2])
    expect(partials[0]!.notices?.join(' ')).toMatch(/incomplete: not yet measured: long/)
  })

  it('warns of drift against the previous calibration of the same host', async () => {
    const store = new FolderStore(join(dir, 'store'))
    const first = await runCalibration(options({ store }))
    const doctored: Calibration = {
      ...first.calibration,
      points: first.calibration.points.map((p) => ({ ...p, energyJ: p.energyJ * 3, cv: 0.01 }))
    }
    await store.writeCalibration(first.calibration.host.fingerprint, doctored)
    const second = await runCalibration(options({ store }))
    expect(second.warnings.length).toBeGreaterThan(0)
    expect(second.warnings.join('\n')).toMatch(/short|long/)
  })

  it('stops on an abort and says it was interrupted', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort('SIGINT'), 100)
    const result = await runCalibration(
      options({ signal: controller.signal, workloads: [parseCustomWorkload(`slow=${busy(5000)}`)] })
    )
    expect(result.interrupted).toBe(true)
    expect(result.calibration.points).toHaveLength(0)
  })
})

describe('reference suite', () => {
  it('resolves the manifest into runnable commands for both suites', () => {
    const suite = loadReferenceSuite('python3')
    expect(suite.filter((w) => w.device === 'gpu').length).toBeGreaterThanOrEqual(5)
    const cpu = suite.find((w) => w.name === 'cpu-all')!
    expect('argv' in cpu.command && cpu.command.argv[0]).toBe(process.execPath)
    expect('argv' in cpu.command && cpu.command.argv[1]).toMatch(/dist[\\/]cli\.js$/)
  })

  it.each(['noequals', '=cmd', 'name=', 'bad name=cmd'])(
    'refuses --workload %s naming the flag',
    (text) => {
      expect(() => parseCustomWorkload(text)).toThrow(/--workload: got/)
    }
  )
})
