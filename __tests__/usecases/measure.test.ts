import { describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { measureCommand, type MeasureOptions } from '../../src/usecases/measure.js'
import type { Component, HostInfo } from '../../src/core/types.js'
import type { EnergySensor } from '../../src/sensors/sensor.js'

/** A sensor that behaves like a counter on a device drawing constant power. */
class ConstantPowerSensor implements EnergySensor {
  readonly source = 'fake-counter'
  private t0 = 0
  constructor(private readonly watts: number) {}
  async start(): Promise<void> {
    this.t0 = performance.now()
  }
  snapshot() {
    return [{ id: 'gpu0', energyJ: (this.watts * (performance.now() - this.t0)) / 1000 }]
  }
  async stop(): Promise<Component[]> {
    const seconds = (performance.now() - this.t0) / 1000
    return [
      {
        id: 'gpu0',
        kind: 'gpu',
        name: 'Fake GPU',
        method: 'counter',
        source: this.source,
        energyJ: this.watts * seconds,
        meanPowerW: this.watts
      }
    ]
  }
}

/** A process's state letter, or gone; Z: a zombie waiting for whichever process adopted it to reap it. */
const processState = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.charAt(0)
  } catch {
    return 'gone'
  }
}

const host: HostInfo = { fingerprint: 'test', cpu: 'test cpu', gpus: [] }
const node = process.execPath

function options(script: string, extra: Partial<MeasureOptions> = {}): MeasureOptions {
  return {
    command: { argv: [node, '-e', script] },
    env: { ...process.env, JOULEGATE_METRICS_FILE: '' },
    openSensors: async () => ({ sensors: [new ConstantPowerSensor(100)] }),
    readHost: async () => host,
    idleS: 0,
    repeat: 1,
    intervalMs: 20,
    log: () => undefined,
    ...extra
  }
}

const writeMetrics = (lines: string[], exit = 0, delayMs = 300): string =>
  `const fs=require('fs');const f=process.env.JOULEGATE_METRICS_FILE;` +
  lines
    .map(
      (l, i) =>
        `setTimeout(()=>fs.appendFileSync(f, ${JSON.stringify(l + '\n')}), ${(i + 1) * 50});`
    )
    .join('') +
  `setTimeout(()=>process.exit(${exit}), ${delayMs});`

describe('measureCommand', () => {
  it('stamps metric lines with elapsed time and energy and keeps the last value of each key', async () => {
    const m = await measureCommand(
      options(writeMetrics(['{"epoch":1,"psds1":0.4}', '{"epoch":2,"psds1":0.5,"params":1000}']))
    )
    expect(m.exitCode).toBe(0)
    expect(m.metrics).toEqual({ epoch: 2, psds1: 0.5, params: 1000 })
    expect(m.progress).toHaveLength(2)
    expect(m.progress[1]!.elapsedS).toBeGreaterThan(m.progress[0]!.elapsedS - 1e-9)
    expect(m.progress[1]!.energyJ).toBeGreaterThan(0)
    // 100 W over the command's life: energy and duration agree
    expect(m.energyJ / m.durationS).toBeCloseTo(100, -1)
  })

  it('reports a bad metrics line with its number and ignores it', async () => {
    const m = await measureCommand(
      options(writeMetrics(['{"epoch":1}', 'not json', '[1,2]', '{"loss":0.3}']))
    )
    expect(m.metrics).toEqual({ epoch: 1, loss: 0.3 })
    expect(m.metricErrors).toHaveLength(2)
    expect(m.metricErrors![0]).toMatch(/metrics line 2: not JSON/)
    expect(m.metricErrors![1]).toMatch(/metrics line 3: .*expected a JSON object/)
  })

  it('keeps the measurement and the exit status of a failing command', async () => {
    const m = await measureCommand(options(writeMetrics(['{"epoch":1}'], 3)))
    expect(m.exitCode).toBe(3)
    expect(m.energyJ).toBeGreaterThan(0)
    expect(m.progress).toHaveLength(1)
  })

  it('writes a partial, interrupted measurement when aborted, and stops the whole process group', async () => {
    const controller = new AbortController()
    // a shell whose child ignores nothing: both must be gone once the group is signalled
    const dir = mkdtempSync(join(tmpdir(), 'jg-abort-'))
    const startedFile = join(dir, 'started')
    const started = Date.now()
    const measuring = measureCommand({
      ...options(''),
      command: {
        shell: `${node} -e "require('fs').writeFileSync('${startedFile}', '1');setTimeout(()=>{}, 60000)" & wait`
      },
      signal: controller.signal
    })
    // abort once the child runs, not after a fixed delay that a loaded machine overruns
    while (!existsSync(startedFile)) await new Promise((r) => setTimeout(r, 20))
    await new Promise((r) => setTimeout(r, 100))
    controller.abort('SIGTERM')
    const m = await measuring
    rmSync(dir, { recursive: true, force: true })
    expect(m.interrupted).toBe(true)
    expect(m.exitCode === null ? m.signal : m.exitCode).toBeTruthy()
    expect(m.energyJ).toBeGreaterThan(0)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('after an abort, kills group members that outlive the command by trapping the signal', async () => {
    const controller = new AbortController()
    const dir = mkdtempSync(join(tmpdir(), 'jg-trap-'))
    const pidFile = join(dir, 'pid')
    // a worker that ignores SIGINT/SIGTERM, started in the background by a shell that exits at once on the signal
    const worker = `${node} -e "process.on('SIGINT',()=>{});process.on('SIGTERM',()=>{});require('fs').writeFileSync('${pidFile}', String(process.pid));setInterval(()=>{},1000)"`
    const measuring = measureCommand({
      ...options(''),
      command: { shell: `${worker} & sleep 30` },
      signal: controller.signal,
      killGraceMs: 1500
    })
    // abort once the worker runs and has set its traps, however loaded the machine is
    while (!existsSync(pidFile)) await new Promise((r) => setTimeout(r, 20))
    controller.abort('SIGINT')
    const m = await measuring
    expect(m.interrupted).toBe(true)
    const pid = Number(readFileSync(pidFile, 'utf8'))
    expect(['gone', 'Z']).toContain(processState(pid))
    rmSync(dir, { recursive: true, force: true })
  })

  it('stops what the command left running in the background before it returns, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jg-leftover-'))
    const late = join(dir, 'late')
    const pidFile = join(dir, 'pid')
    // like a step that forks a logger which appends to GITHUB_OUTPUT after the job's verdict
    const m = await measureCommand({
      ...options(''),
      command: { shell: `(sleep 2; echo verdict=pass >> '${late}') & echo $! > '${pidFile}'` }
    })
    expect(m.exitCode).toBe(0)
    expect(m.notices?.join('\n')).toMatch(/\d+ leftover process(es)? of the command were stopped/)
    const pid = Number(readFileSync(pidFile, 'utf8'))
    // the background shell is gone (or a zombie) as soon as the run returns: it can write nothing
    expect(['gone', 'Z']).toContain(processState(pid))
    expect(existsSync(late)).toBe(false)
    rmSync(dir, { recursive: true, force: true })
  })

  it('repeats the command and reports mean, sd and cv', async () => {
    const m = await measureCommand({ ...options(writeMetrics([], 0, 100)), repeat: 3 })
    expect(m.repeat?.n).toBe(3)
    expect(m.runs).toHaveLength(3)
    expect(m.energyJ).toBeCloseTo(m.repeat!.meanJ, 6)
    expect(m.repeat!.cv).toBeGreaterThanOrEqual(0)
  })

  it('stops repeating at the first failing run', async () => {
    const m = await measureCommand({ ...options(writeMetrics([], 1, 50)), repeat: 3 })
    expect(m.runs).toBeUndefined()
    expect(m.exitCode).toBe(1)
  })

  it('measures idle power before the command and nets it out', async () => {
    const m = await measureCommand({ ...options(writeMetrics([], 0, 100)), idleS: 0.3 })
    expect(m.idlePowerW).toBeCloseTo(100, -1)
    expect(Math.abs(m.netEnergyJ!)).toBeLessThan(m.energyJ * 0.5)
  })

  it('reports a command that cannot start as exit status 127', async () => {
    const m = await measureCommand({
      ...options(''),
      command: { argv: ['/nonexistent/joulegate-test-cmd'] }
    })
    expect(m.exitCode).toBe(127)
  })
})
