import { afterAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openFolderStore } from '../../src/adapters/store/folder-backend.js'
import { validateCalibration } from '../../src/core/normalize/index.js'
import type { Calibration } from '../../src/core/types.js'
import { runCalibration, type CalibrateOptions } from '../../src/usecases/calibrate.js'
import {
  chooseSuite,
  loadReferenceSuite,
  parseCustomWorkload
} from '../../src/usecases/reference-suite.js'
import { fakeSmiEnv, writeWrapper } from '../sensors/fake-tools.js'
import { readRunEnv } from '../../src/usecases/run-env.js'

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
    env: readRunEnv({
      ...process.env,
      JOULEGATE_SYSFS_ROOT: join(dir, 'no-sysfs'),
      JOULEGATE_NVIDIA_SMI: join(dir, 'no-smi'),
      JOULEGATE_PYTHON: 'none'
    }),
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
    const store = openFolderStore(join(dir, 'store'))
    const first = await runCalibration(options({ store, quick: false }))
    const doctored: Calibration = {
      ...first.calibration,
      points: first.calibration.points.map((p) => ({ ...p, energyJ: p.energyJ * 3, cv: 0.01 }))
    }
    await store.writeCalibration(first.calibration.host.fingerprint, doctored)
    const second = await runCalibration(options({ store, quick: false }))
    expect(second.warnings.length).toBeGreaterThan(0)
    expect(second.warnings.join('\n')).toMatch(/short|long/)
  })

  it('marks a quick calibration and never takes one as the drift reference', async () => {
    const store = openFolderStore(join(dir, 'store-quick'))
    const full = await runCalibration(options({ store, quick: false }))
    expect(full.calibration.kind).toBe('estimate') // no energy sensor on this host
    await store.writeCalibration(full.calibration.host.fingerprint, full.calibration)
    const quick = await runCalibration(options({ store }))
    expect(quick.calibration.kind).toBe('quick')
    expect(quick.warnings).toEqual([]) // a smoke run is not compared either
    // an older version stored a smoke run (tiny energies) as the latest calibration
    const smoke: Calibration = {
      ...quick.calibration,
      createdAt: new Date(Date.now() + 1000).toISOString(),
      points: quick.calibration.points.map((p) => ({
        ...p,
        energyJ: p.energyJ / 5,
        meanPowerW: p.meanPowerW / 5,
        cv: 0.01
      }))
    }
    await store.writeCalibration(smoke.host.fingerprint, smoke)
    const next = await runCalibration(options({ store, quick: false }))
    // compared with the full calibration (runner noise may still warn), never with the smoke run
    expect(next.warnings.join('\n')).not.toContain(smoke.createdAt)
    for (const w of next.warnings) expect(w).toContain(full.calibration.createdAt)
  })

  it('records a --workload point with its family', async () => {
    const { calibration } = await runCalibration(
      options({ runs: 1, workloads: [parseCustomWorkload(`train=${busy(100)}`, 'sed-crnn')] })
    )
    expect(calibration.points[0]).toMatchObject({ workload: 'train', family: 'sed-crnn' })
    const own = await runCalibration(
      options({ runs: 1, workloads: [parseCustomWorkload(`train=${busy(100)}`)] })
    )
    expect(own.calibration.points[0]!.family).toBe('train')
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
  // Debian 12's python3-torch is 1.13; the suite needs 2.1 (torch.utils.flop_counter)
  const stub = join(dir, 'old-torch')
  mkdirSync(join(stub, 'torch'), { recursive: true })
  writeFileSync(join(stub, 'torch', '__init__.py'), '__version__ = "1.13.0"\n')
  const oldPython = writeWrapper(dir, 'python3-old-torch', 'python3', { PYTHONPATH: stub })

  it('the GPU suite itself refuses an old torch in one line, no traceback', () => {
    const r = spawnSync(oldPython, ['reference/gpu_suite.py', 'crnn-b8', '--quick'], {
      encoding: 'utf8'
    })
    expect(r.status).toBe(3)
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/PyTorch 1\.13\.0 is too old: the GPU suite needs 2\.1 or newer/)
    ])
  })

  it('falls back to the CPU suite with one clear line when torch is too old', async () => {
    const env = fakeSmiEnv(
      dir,
      { JOULEGATE_FAKE_GPUS: JSON.stringify([{ name: 'NVIDIA H100', power: 100 }]) },
      { python: oldPython }
    )
    const auto = await chooseSuite('auto', env)
    expect(auto.workloads.every((w) => w.device === 'cpu')).toBe(true)
    expect(auto.notices).toEqual([
      expect.stringMatching(/PyTorch 1\.13\.0 is too old.*2\.1.*CPU suite instead/)
    ])
    await expect(chooseSuite('gpu', env)).rejects.toThrow(
      /--suite gpu: .*PyTorch 1\.13\.0 is too old/
    )
  })

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
