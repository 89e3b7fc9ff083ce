// Wires sensors, host inventory and the child process into one measurement. Shared by the CLI
// and the action; the caller owns signals (an AbortSignal) and where progress goes.
import { readHostInventory } from '../adapters/host-inventory.js'
import type { CommandSpec } from '../adapters/run-command.js'
import type { Settings } from '../core/settings.js'
import type { Measurement } from '../core/types.js'
import { probeSensors, readGpuInventory } from '../sensors/probe-sensors.js'
import { openClusterSource } from './cluster-source.js'
import { measureCommand, type MeasureOptions, type Tick } from './measure.js'
import { sensorEnvOf, type RunEnv } from './run-env.js'
import type { ProbedSensors } from '../sensors/sensor.js'

interface MeasurementContext {
  env: RunEnv
  cwd?: string
  log: (line: string) => void
  signal?: AbortSignal
  onTick?: (tick: Tick, estimated: boolean) => void
  onStep?: MeasureOptions['onStep']
}

export async function runMeasurement(
  command: CommandSpec,
  settings: Pick<Settings, 'intervalMs' | 'idleSeconds' | 'repeat'> &
    Partial<Pick<Settings, 'prometheusUrl' | 'prometheusSelector'>>,
  context: MeasurementContext
): Promise<Measurement> {
  const sensorEnv = sensorEnvOf(context.env, settings.intervalMs)
  const crossCheck = context.env.crossCheck
  // the cluster's preflight comes first: a selector that matches nothing fails before anything runs
  const cluster = await openClusterSource(settings, context.env.vars)
  const localUuids = cluster
    ? (await readGpuInventory(sensorEnv).catch(() => [])).flatMap((g) => (g.uuid ? [g.uuid] : []))
    : []
  const probe = async (): Promise<ProbedSensors> => {
    const p = await probeSensors(sensorEnv, { crossCheck })
    if (!cluster) return p
    const kept = cluster.filterLocal(p.sensors, localUuids)
    const keptChecks = cluster.filterLocal(p.crossChecks, localUuids)
    const remote = await cluster.probe(sensorEnv)
    return {
      sensors: [...kept.sensors, ...(remote.sensor ? [remote.sensor] : [])],
      crossChecks: keptChecks.sensors,
      notices: [
        ...remote.notices,
        ...p.notices,
        ...new Set([...kept.notices, ...keptChecks.notices])
      ]
    }
  }
  const first = await probe()
  const launcher = describeLauncher(command)
  if (launcher) first.notices.push(launcher)
  for (const notice of first.notices) context.log(`joulegate: ${notice}`)
  const named = [
    ...first.sensors.map((s) => s.source),
    ...first.crossChecks.map((s) => `${s.source} (cross-check)`)
  ]
  context.log(`joulegate: sensors: ${named.join(', ') || 'none'}`)
  const estimated = first.sensors.some((s) => s.source === 'estimate')
  let pending: ProbedSensors | null = first
  // The first window reuses the probe's sensors; later windows (idle, repeats) probe afresh.
  const openSensors = async () => {
    if (pending) {
      const sensors = pending
      pending = null
      return sensors
    }
    return probe()
  }
  return measureCommand({
    command,
    cwd: context.cwd,
    env: context.env.vars,
    openSensors,
    readHost: async (seen) => {
      // a cluster job's hardware is every GPU it ran on, models and counts (the fingerprint)
      if (cluster) return readHostInventory(seen, null)
      // The inventory names every visible GPU with its driver; the sensors' names are the fallback.
      const inventory = await readGpuInventory(sensorEnv).catch(() => [])
      const names = inventory.length > 0 ? inventory.map((g) => g.name) : seen
      return readHostInventory(names, inventory.find((g) => g.driver)?.driver ?? null)
    },
    idleS: settings.idleSeconds,
    repeat: settings.repeat,
    intervalMs: settings.intervalMs,
    signal: context.signal,
    onTick: context.onTick ? (tick) => context.onTick!(tick, estimated) : undefined,
    onStep: context.onStep,
    log: context.log,
    notices: first.notices
  })
}

// Launchers start one process per GPU (rank); joulegate stays outside them and reads each device once.
const LAUNCHERS = ['torchrun', 'deepspeed', 'accelerate', 'mpirun', 'mpiexec', 'srun', 'horovodrun']

function describeLauncher(command: CommandSpec): string | null {
  const words: string[] = 'argv' in command ? command.argv : command.shell.split(/\s+/)
  const base = (w: string): string => w.split('/').pop() ?? w
  const found =
    words.map(base).find((w) => LAUNCHERS.includes(w)) ??
    (words.includes('torch.distributed.run') ? 'torch.distributed.run' : null)
  return found
    ? `${found} starts several ranks: each GPU of this host is measured once by joulegate, whatever the number of ranks; metrics lines with "rank" count for rank 0 only`
    : null
}
