// The monitor's own CPU while the measured command sleeps: measureCommand runs `sleep N` with
// real sensors whose devices are emulated through the contract environment (a fixture sysfs tree
// for RAPL, the fake nvidia-smi / NVML helper from __tests__/fixtures), and this process's
// user+system time over the command's life is divided by the wall time of the same window.
//
// Two CPU figures per window, never mixed:
// - own: process.cpuUsage() of this Node process (the monitor: timers, sysfs reads, line parsing);
// - children: cutime+cstime from /proc/self/stat, i.e. the CPU of child processes reaped inside
//   the window: the measured command itself (`sleep`, ~0) and the helper processes the monitor
//   owns (nvidia-smi loop, NVML helper). Those helpers are fakes written in Node here, so their
//   figure shows how the accounting works, not what a real nvidia-smi costs.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { constants, performance, PerformanceObserver } from 'node:perf_hooks'
import { measureCommand } from '../src/usecases/measure.js'
import { readSensorEnv } from '../src/sensors/sensor-env.js'
import { createNvidiaSmiSensor, listNvidiaGpus } from '../src/sensors/nvidia-smi/sensor.js'
import { probeSensors } from '../src/sensors/probe-sensors.js'
import type { EnergySensor } from '../src/sensors/sensor.js'
import { buildRaplFixture } from './rapl-fixture.js'

const FAKE_NVIDIA_SMI = resolve('__tests__/fixtures/nvidia-smi/nvidia-smi')
const FAKE_PYTHON = resolve('__tests__/fixtures/nvidia-smi/fake-python')
/** /proc reports cutime/cstime in USER_HZ ticks, which is 100 on every Linux ABI */
const USER_HZ = 100

export interface CpuFigure {
  /** idle: the noise floor; floor: an empty timer; monitor: measureCommand with sensors */
  kind: 'idle' | 'floor' | 'monitor'
  scenario: string
  /** the sensors that ran, by source */
  sensors: string[]
  wallS: number
  /** this process's user+system CPU per wall second, in % of one core */
  ownPct: number
  /** CPU of child processes reaped in the window, % of one core; null off Linux */
  childPct: number | null
  /** readings of the most-read component (RAPL reads every counter on each poll) */
  samples: number
  /** the round of the bench it belongs to (0: taken once) */
  round?: number
}

interface Mark {
  t: number
  cpu: NodeJS.CpuUsage
  childTicks: number | null
}

function readChildTicks(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    // fields after "(comm)": state is field 3, cutime field 16, cstime field 17
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(rest[16 - 3]) + Number(rest[17 - 3])
  } catch {
    return null
  }
}

const mark = (): Mark => ({
  t: performance.now(),
  cpu: process.cpuUsage(),
  childTicks: readChildTicks()
})

function between(a: Mark, b: Mark): Pick<CpuFigure, 'wallS' | 'ownPct' | 'childPct'> {
  const wallS = (b.t - a.t) / 1000
  const ownS = (b.cpu.user - a.cpu.user + b.cpu.system - a.cpu.system) / 1e6
  const childS =
    a.childTicks === null || b.childTicks === null ? null : (b.childTicks - a.childTicks) / USER_HZ
  return {
    wallS,
    ownPct: (100 * ownS) / wallS,
    childPct: childS === null ? null : (100 * childS) / wallS
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * V8's memory reducer runs full collections some 8 s after start-up stops allocating (here
 * 60-120 ms of CPU over 2-3 s, on GC helper threads that process.cpuUsage() counts). That
 * one-off would land in whichever window is open then, so wait for it: until 2 s after the last
 * major GC, at most `maxS`. Returns the seconds waited.
 */
export async function settleStartupGc(maxS: number): Promise<number> {
  const t0 = performance.now()
  let lastMajor: number | null = null
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) lastMajor = performance.now()
    }
  })
  observer.observe({ entryTypes: ['gc'] })
  while (performance.now() - t0 < maxS * 1000) {
    await sleep(250)
    if (lastMajor !== null && performance.now() - lastMajor > 2000) break
  }
  observer.disconnect()
  return (performance.now() - t0) / 1000
}

/** The noise floor: this same process waiting as long, with no monitor and no command. */
export async function measureIdleNode(seconds: number): Promise<CpuFigure> {
  const a = mark()
  await sleep(seconds * 1000)
  return {
    kind: 'idle',
    scenario: 'idle Node (no monitor)',
    sensors: [],
    ...between(a, mark()),
    samples: 0
  }
}

/**
 * What one wake-up per interval costs this process with no work at all (an empty setInterval):
 * the price of any 100 ms timer or pipe read, whatever the monitor does in it.
 */
export async function measureTimerFloor(seconds: number, intervalMs: number): Promise<CpuFigure> {
  const a = mark()
  const timer = setInterval(() => undefined, intervalMs)
  await sleep(seconds * 1000)
  clearInterval(timer)
  return {
    kind: 'floor',
    scenario: `empty ${intervalMs} ms timer (wake-up floor)`,
    sensors: [],
    ...between(a, mark()),
    samples: Math.round((seconds * 1000) / intervalMs)
  }
}

async function measureMonitor(
  scenario: string,
  sensors: EnergySensor[],
  seconds: number,
  intervalMs: number
): Promise<CpuFigure> {
  let start: Mark | null = null
  let end: Mark | null = null
  const env = { ...process.env }
  delete env['JOULEGATE_METRICS_FILE']
  const m = await measureCommand({
    command: { argv: ['sleep', String(seconds)] },
    env,
    // the window: from just before the sensors start to just after they stop
    openSensors: async () => {
      start = mark()
      return { sensors }
    },
    readHost: async () => {
      end = mark()
      return { fingerprint: 'bench', cpu: 'bench', gpus: [] }
    },
    idleS: 0,
    repeat: 1,
    intervalMs,
    log: () => undefined
  })
  if (m.exitCode !== 0 || !start || !end) throw new Error(`${scenario}: the sleep did not run`)
  const samples = Math.max(0, ...m.components.map((c) => c.samples ?? 0))
  const sources = sensors.map((s) => s.source)
  return { kind: 'monitor', scenario, sensors: sources, ...between(start, end), samples }
}

export interface CpuScenarioOptions {
  seconds: number
  intervalMs: number
  /** rounds of (idle, each monitor scenario); the bench takes medians across them */
  repeats: number
  /** also the NVML path (fake helper), one window more per round */
  withNvml: boolean
  /** the most to wait for start-up garbage collection before the first window */
  settleMaxS: number
}

export interface CpuRun {
  figures: CpuFigure[]
  settledS: number
}

/**
 * Runs the wake-up floor once, then `repeats` rounds of: idle Node, then each monitor scenario.
 * Each monitor window is paired with the idle window of its round, taken a few seconds before on
 * the same machine, so a burst of load from other jobs shows in both or is outvoted by the other
 * rounds. Windows run one after another; nothing runs in parallel. Sensors are probed afresh for
 * every window (outside it), as each run of a real measurement does.
 */
export async function runCpuScenarios(options: CpuScenarioOptions): Promise<CpuRun> {
  const { seconds, intervalMs } = options
  const fixture = buildRaplFixture()
  // the fakes read these; spawned helpers inherit process.env
  process.env['JOULEGATE_FAKE_GPUS'] = JSON.stringify([
    {
      name: 'NVIDIA H100 80GB HBM3',
      uuid: 'GPU-00000000-1111-2222-3333-444444444444',
      powerLimitW: 700,
      power: 250
    }
  ])
  const contractEnv = (nvidiaSmi: string, python: string): NodeJS.ProcessEnv => ({
    JOULEGATE_SYSFS_ROOT: fixture.root,
    JOULEGATE_NVIDIA_SMI: nvidiaSmi,
    JOULEGATE_PYTHON: python
  })
  const probe = async (env: NodeJS.ProcessEnv, expect: string[]): Promise<EnergySensor[]> => {
    const { sensors } = await probeSensors(readSensorEnv(env, intervalMs))
    const got = sensors.map((s) => s.source)
    if (got.join() !== expect.join())
      throw new Error(`expected sensors ${expect.join(', ')}, probed ${got.join(', ')}`)
    return sensors
  }
  const noGpu = contractEnv(join(fixture.root, 'no-nvidia-smi'), 'none')
  const smiOnly = contractEnv(FAKE_NVIDIA_SMI, 'none')
  const smiAlone = async (): Promise<EnergySensor[]> => {
    const sensorEnv = readSensorEnv(smiOnly, intervalMs)
    const { inventory } = await listNvidiaGpus(sensorEnv)
    const smi = inventory ? createNvidiaSmiSensor(sensorEnv, inventory).sensor : null
    if (!smi) throw new Error('the fake nvidia-smi gave no sensor')
    return [smi]
  }
  const scenarios: [string, () => Promise<EnergySensor[]>][] = [
    ['RAPL', () => probe(noGpu, ['rapl'])],
    ['nvidia-smi', smiAlone],
    ['nvidia-smi + RAPL', () => probe(smiOnly, ['nvidia-smi', 'rapl'])]
  ]
  if (options.withNvml)
    scenarios.push([
      'NVML + RAPL',
      () => probe(contractEnv(FAKE_NVIDIA_SMI, FAKE_PYTHON), ['nvml', 'rapl'])
    ])
  try {
    const settledS = await settleStartupGc(options.settleMaxS)
    // half as long: a simple figure, taken once
    const out: CpuFigure[] = [{ ...(await measureTimerFloor(seconds / 2, intervalMs)), round: 0 }]
    for (let round = 1; round <= options.repeats; round++) {
      out.push({ ...(await measureIdleNode(seconds)), round })
      for (const [scenario, open] of scenarios)
        out.push({ ...(await measureMonitor(scenario, await open(), seconds, intervalMs)), round })
    }
    return { figures: out, settledS }
  } finally {
    fixture.cleanup()
  }
}
