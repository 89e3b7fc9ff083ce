// The one calibration path of the CLI and the action: settings in, the runner's calibration kept
// only when it is full-scale and complete.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openFolderStore } from '../../src/adapters/store/folder-backend.js'
import type { HistoryStore } from '../../src/adapters/store/store.js'
import { CALIBRATE, DEFAULTS, parseSettings, type RawSettings } from '../../src/core/settings.js'
import { calibrateRunner } from '../../src/usecases/calibrate-runner.js'
import { parseCustomWorkload } from '../../src/usecases/reference-suite.js'
import { readRunEnv } from '../../src/usecases/run-env.js'

const dir = mkdtempSync(join(tmpdir(), 'jg-cal-runner-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const busy = (ms: number): string =>
  `${process.execPath} -e "const t=Date.now(); while (Date.now()-t<${ms}) {}"`
const env = readRunEnv({
  ...process.env,
  JOULEGATE_SYSFS_ROOT: join(dir, 'no-sysfs'),
  JOULEGATE_NVIDIA_SMI: join(dir, 'no-smi'),
  JOULEGATE_PYTHON: 'none'
})

async function calibrate(raw: RawSettings, store: HistoryStore | null, signal?: AbortSignal) {
  const lines: string[] = []
  const settings = parseSettings({ 'idle-seconds': '0', 'interval-ms': '50', ...raw })
  const outcome = await calibrateRunner(
    settings,
    { suite: null, workloads: [parseCustomWorkload(`short=${busy(100)}`)] },
    { env, store, signal, log: (line) => void lines.push(line) }
  )
  return { outcome, lines }
}

describe('calibration settings', () => {
  it('default to the same runs and pause in both shells, and to the small scale with quick', () => {
    expect(parseSettings({})).toMatchObject({
      calibrationRuns: CALIBRATE.runs,
      calibrationCooldownSeconds: CALIBRATE.cooldownSeconds,
      quick: false,
      idleSeconds: DEFAULTS.idleSeconds
    })
    expect(parseSettings({ quick: 'true' })).toMatchObject({
      calibrationCooldownSeconds: CALIBRATE.quickCooldownSeconds,
      idleSeconds: CALIBRATE.quickIdleSeconds
    })
    expect(parseSettings({ quick: 'true', 'calibration-cooldown-seconds': '2' })).toMatchObject({
      calibrationCooldownSeconds: 2
    })
  })

  it('name the input, the value and the range when out of it', () => {
    expect(() => parseSettings({ 'calibration-runs': '51' })).toThrow(
      'calibration-runs: got "51", expected a whole number from 1 to 50'
    )
    expect(() =>
      parseSettings({ 'calibration-runs': 'x' }, { 'calibration-runs': '--runs' })
    ).toThrow('--runs: got "x", expected a whole number from 1 to 50')
    expect(() => parseSettings({ 'calibration-cooldown-seconds': '601' })).toThrow(
      'calibration-cooldown-seconds: got "601", expected a number from 0 to 600'
    )
  })
})

describe('calibrateRunner', () => {
  it('runs each workload the configured number of times and keeps a full calibration', async () => {
    const store = openFolderStore(join(dir, 'full'))
    const { outcome, lines } = await calibrate(
      { 'calibration-runs': '2', 'calibration-cooldown-seconds': '0' },
      store
    )
    expect(lines).toContain('joulegate: calibrating with short (2 runs each)')
    expect(outcome.workloads).toEqual(['short'])
    expect(outcome.calibration.points[0]!.runs).toBe(2)
    expect(outcome.stored).toBe(true)
    const kept = await store.readCalibration(outcome.calibration.host.fingerprint)
    expect(kept?.createdAt).toBe(outcome.calibration.createdAt)
    expect(outcome.report).toMatch(/joulegate calibration for host/)
  })

  it('never keeps a quick calibration, nor an interrupted one', async () => {
    const store = openFolderStore(join(dir, 'quick'))
    const quick = await calibrate({ quick: 'true', 'calibration-runs': '1' }, store)
    expect(quick.outcome.calibration.kind).toBe('quick')
    expect(quick.outcome.stored).toBe(false)
    const controller = new AbortController()
    controller.abort('SIGINT')
    const cut = await calibrate({ 'calibration-runs': '1' }, store, controller.signal)
    expect(cut.outcome.interrupted).toBe(true)
    expect(cut.outcome.stored).toBe(false)
    expect(await store.readCalibration(quick.outcome.calibration.host.fingerprint)).toBeNull()
  })

  it('keeps nothing without a store', async () => {
    const { outcome } = await calibrate({ 'calibration-runs': '1' }, null)
    expect(outcome.stored).toBe(false)
  })
})
