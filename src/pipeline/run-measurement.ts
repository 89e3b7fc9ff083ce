// Wires sensors, host inventory and the child process into one measurement. Shared by the CLI
// and the action; the caller owns signals (an AbortSignal) and where progress goes.
import { readHostInventory } from '../adapters/host-inventory.js'
import type { CommandSpec } from '../adapters/run-command.js'
import type { Settings } from '../core/settings.js'
import type { Measurement } from '../core/types.js'
import { probeSensors, readGpuInventory } from '../sensors/probe-sensors.js'
import { measureCommand, type Tick } from './measure.js'
import { readSensorEnv } from './sensor-env.js'

interface MeasurementContext {
  env: NodeJS.ProcessEnv
  cwd?: string
  log: (line: string) => void
  signal?: AbortSignal
  onTick?: (tick: Tick, estimated: boolean) => void
}

export async function runMeasurement(
  command: CommandSpec,
  settings: Pick<Settings, 'intervalMs' | 'idleSeconds' | 'repeat'>,
  context: MeasurementContext
): Promise<Measurement> {
  const sensorEnv = readSensorEnv(context.env, settings.intervalMs)
  const crossCheck = context.env['JOULEGATE_CROSS_CHECK'] === '1'
  const probe = async () => {
    const p = await probeSensors(sensorEnv, { crossCheck })
    for (const s of p.crossChecks) s.crossCheck = true
    return { ...p, sensors: [...p.sensors, ...p.crossChecks] }
  }
  const first = await probe()
  for (const notice of first.notices) context.log(`joulegate: ${notice}`)
  context.log(
    `joulegate: sensors: ${first.sensors.map((s) => (s.crossCheck ? `${s.source} (cross-check)` : s.source)).join(', ') || 'none'}`
  )
  const estimated = first.sensors.some((s) => s.source === 'estimate')
  let pending: typeof first.sensors | null = first.sensors
  // The first window reuses the probe's sensors; later windows (idle, repeats) probe afresh.
  const openSensors = async () => {
    if (pending) {
      const sensors = pending
      pending = null
      return sensors
    }
    return (await probe()).sensors
  }
  return measureCommand({
    command,
    cwd: context.cwd,
    env: context.env,
    openSensors,
    readHost: async (seen) => {
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
    log: context.log,
    notices: first.notices
  })
}
