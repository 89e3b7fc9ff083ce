// `node dist/cli.js measure` as a user runs it, on an emulated host (see cli-harness.ts): exit
// status, the measurement file's contract, the metrics protocol, and SIGINT/SIGTERM.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { validateMeasurement } from '../../src/core/history/measurement-codec.js'
import type { Measurement } from '../../src/core/types.js'
import { emulateHost, runCli, startCli, type EmulatedHost } from '../helpers/cli-harness.js'

let host: EmulatedHost
beforeAll(() => {
  host = emulateHost(300)
})
afterAll(() => host.cleanup())

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const readMeasurement = (file: string): Measurement =>
  JSON.parse(readFileSync(file, 'utf8')) as Measurement

// Two metric lines around a line that is not JSON, then a failure with status 3.
const FAILING_TRAINER = `
const fs = require('fs')
const out = process.env.JOULEGATE_METRICS_FILE
fs.appendFileSync(out, JSON.stringify({ epoch: 1, psds1: 0.4 }) + '\\n' + 'loss went down\\n')
setTimeout(() => {
  fs.appendFileSync(out, JSON.stringify({ epoch: 2, psds1: 0.5 }) + '\\n')
  process.exit(3)
}, 600)`

describe('joulegate measure', () => {
  let result: Awaited<ReturnType<typeof runCli>>
  let m: Measurement
  const out = (): string => join(host.root, 'failing.json')
  beforeAll(async () => {
    result = await runCli(
      ['measure', '--idle-s', '0.5', '--out', out(), '--', process.execPath, '-e', FAILING_TRAINER],
      { cwd: host.root, env: host.env }
    )
    m = readMeasurement(out())
  })

  it("keeps the command's exit status and still writes the file", () => {
    expect(result.code).toBe(3)
    expect(m.schema).toBe('joulegate.measurement/v1')
    expect(m.exitCode).toBe(3)
    expect(m.command).toContain('JOULEGATE_METRICS_FILE')
    expect(result.stderr).toContain(`measurement written to ${out()}`)
  })

  it('follows the measurement contract', () => {
    expect(new Date(m.startedAt).toISOString()).toBe(m.startedAt)
    expect(m.durationS).toBeGreaterThanOrEqual(0.6) // the trainer sleeps 0.6 s
    for (const c of m.components) {
      expect(['gpu', 'cpu', 'ram', 'other']).toContain(c.kind)
      expect(['counter', 'power-integration', 'estimate']).toContain(c.method)
      expect(c.energyJ).toBeGreaterThanOrEqual(0)
    }
    const sum = m.components.reduce((s, c) => s + c.energyJ, 0)
    expect(m.energyJ).toBeCloseTo(sum, 6)
    expect(m.host.gpus).toEqual([host.gpuName])
    // the validation normalisation applies to measurement files accepts it
    expect(validateMeasurement(m, out()).energyJ).toBe(m.energyJ)
  })

  it('names each energy source: the GPU integrated from nvidia-smi, the CPU from the RAPL counter', () => {
    const gpu = m.components.find((c) => c.kind === 'gpu')!
    expect(gpu).toMatchObject({
      id: 'gpu0',
      name: host.gpuName,
      method: 'power-integration',
      source: 'nvidia-smi',
      powerLimitW: 700
    })
    expect(gpu.meanPowerW!).toBeGreaterThan(host.watts * 0.98)
    expect(gpu.meanPowerW!).toBeLessThan(host.watts * 1.02)
    // a counter that did not move: exactly nothing, reported as a counter reading
    expect(m.components.find((c) => c.kind === 'cpu')).toMatchObject({
      method: 'counter',
      source: 'rapl',
      energyJ: 0
    })
  })

  it('measures idle power first and reports the energy net of it', () => {
    // idle is the fake GPU's constant power plus a CPU counter that does not move
    expect(m.idlePowerW).not.toBeNull()
    expect(m.idlePowerW!).toBeGreaterThan(host.watts * 0.5)
    expect(m.idlePowerW!).toBeLessThan(host.watts * 1.02)
    expect(m.netEnergyJ!).toBeCloseTo(m.energyJ - m.idlePowerW! * m.durationS, 6)
  })

  it('stamps each metrics line with time and energy, and reports the bad line by number', () => {
    expect(m.metrics).toEqual({ epoch: 2, psds1: 0.5 })
    expect(m.progress.map((p) => p.values)).toEqual([
      { epoch: 1, psds1: 0.4 },
      { epoch: 2, psds1: 0.5 }
    ])
    const [first, second] = m.progress as [Measurement['progress'][0], Measurement['progress'][0]]
    expect(second.elapsedS).toBeGreaterThan(first.elapsedS)
    expect(second.energyJ).toBeGreaterThan(first.energyJ)
    expect(second.energyJ).toBeLessThanOrEqual(m.energyJ * 1.01)
    expect(m.metricErrors).toHaveLength(1)
    expect(m.metricErrors![0]).toMatch(/line 2.*loss went down/)
    expect(result.stderr).toMatch(/metrics line 2: not JSON: "loss went down"/)
  })

  it('refuses a missing command and an unknown flag with exit 2', async () => {
    const none = await runCli(['measure', '--idle-s', '0'], { cwd: host.root, env: host.env })
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/no command given/)
    const bad = await runCli(['measure', '--idle', '1', '--', 'true'], {
      cwd: host.root,
      env: host.env
    })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(
      /unknown option --idle; expected one of --out, --interval-ms, --idle-s, --repeat/
    )
  })
})

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143]
] as const)('joulegate measure stopped by %s', (signal, status) => {
  it('ends the command, exits soon and writes the partial measurement', async () => {
    const pidFile = join(host.root, `${signal}.pid`)
    const out = join(host.root, `${signal}.json`)
    const waiter = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setTimeout(() => {}, 60000)`
    const run = startCli(
      ['measure', '--idle-s', '0', '--out', out, '--', process.execPath, '-e', waiter],
      {
        cwd: host.root,
        env: host.env
      }
    )
    // wait until the command runs (its pid file exists), however slow the machine is
    for (let i = 0; i < 400 && !existsSync(pidFile); i++) await sleep(50)
    const childPid = Number(readFileSync(pidFile, 'utf8'))
    expect(pidAlive(childPid)).toBe(true)
    await sleep(300)
    const sentAt = Date.now()
    run.child.kill(signal)
    const result = await run.done
    // generous: the CLI forwards the signal at once and kills after 4 s of grace
    expect(Date.now() - sentAt).toBeLessThan(5000)
    expect(result.code).toBe(status)
    expect(result.stderr).toContain(`${signal} received`)
    for (let i = 0; i < 40 && pidAlive(childPid); i++) await sleep(50)
    expect(pidAlive(childPid)).toBe(false)
    const m = readMeasurement(out)
    expect(m).toMatchObject({ interrupted: true, exitCode: null, signal })
    expect(m.durationS).toBeGreaterThan(0)
    expect(m.components.find((c) => c.kind === 'gpu')!.energyJ).toBeGreaterThan(0)
    expect(m.energyJ).toBeCloseTo(
      m.components.reduce((s, c) => s + c.energyJ, 0),
      6
    )
  })
})

describe('joulegate measure stopped during the idle window', () => {
  /** Starts measure with a 30 s idle window; resolves once `ready` says the signal may be sent. */
  async function stopDuringIdle(env: NodeJS.ProcessEnv, ready: (stderr: string) => boolean) {
    const out = join(host.root, `idle-${Date.now()}.json`)
    const marker = join(host.root, 'idle-command-ran')
    const run = startCli(
      ['measure', '--idle-s', '30', '--out', out, '--', 'sh', '-c', `touch '${marker}'`],
      // a hang detector, not a speed check: a CLI that ignores the signal is killed, leaving no file
      { cwd: host.root, env, killAfterMs: 8000 }
    )
    let stderr = ''
    run.child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()))
    for (let i = 0; i < 400 && !ready(stderr); i++) await sleep(50)
    run.child.kill('SIGTERM')
    const result = await run.done
    return { result, out, ran: existsSync(marker) }
  }

  it('once the sensors run: exits without starting the command, writes an empty interrupted file', async () => {
    const log = join(host.root, 'fake-smi.log')
    const env = { ...host.env, JOULEGATE_FAKE_LOG: log }
    // the loop-mode nvidia-smi has started (it prints its first line at once); leave it a second
    let loopSeenAt = 0
    const { result, out, ran } = await stopDuringIdle(env, () => {
      if (!loopSeenAt && existsSync(log) && readFileSync(log, 'utf8').includes('-lms'))
        loopSeenAt = Date.now()
      return loopSeenAt > 0 && Date.now() - loopSeenAt > 1000
    })
    expect(result.signal).toBeNull() // not killed by the hang detector
    expect(result.code).toBe(143) // 128 + SIGTERM
    expect(ran).toBe(false)
    const m = readMeasurement(out)
    expect(m).toMatchObject({ interrupted: true, exitCode: null, energyJ: 0, components: [] })
    expect(m.idlePowerW).toBeNull()
  })

  // A signal that arrives while the idle window's sensors are still starting must not be lost.
  it('while the sensors are still starting: exits too', async () => {
    const slowSmi = join(host.root, 'slow-nvidia-smi')
    writeFileSync(
      slowSmi,
      `#!/bin/sh\ncase "$*" in *-lms*) sleep 2 ;; esac\nexec '${host.env['JOULEGATE_NVIDIA_SMI']}' "$@"\n`
    )
    chmodSync(slowSmi, 0o755)
    const env = { ...host.env, JOULEGATE_NVIDIA_SMI: slowSmi }
    const { result } = await stopDuringIdle(env, (err) => err.includes('measuring idle'))
    expect(result.signal).toBeNull()
    expect(result.code).toBe(143)
  })
})
