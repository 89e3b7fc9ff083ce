// Chooses the energy sources at run time: NVIDIA GPUs via NVML, else nvidia-smi; AMD GPUs via
// hwmon; CPU (and DRAM) via RAPL, else the estimate (CPU + RAM) — always labelled as such.
import { createAmdHwmonProbe, listAmdGpus } from './amd-hwmon.js'
import { createEstimateProbe } from './estimate.js'
import { createNvidiaSmiSensor, listNvidiaGpus } from './nvidia-smi.js'
import { createNvmlSensor } from './nvml.js'
import { raplProbe } from './rapl.js'
import type { EnergySensor, SensorEnv } from './sensor.js'

interface ProbeOptions {
  /**
   * Also return an nvidia-smi power-integration sensor when NVML is used, as a cross-check
   * (scripts/ comparing counter and integrated energy). It is never part of `sensors`, so its
   * energy is not added twice.
   */
  crossCheck?: boolean
}

interface ProbedSensors {
  sensors: EnergySensor[]
  notices: string[]
  crossChecks: EnergySensor[]
}

export async function probeSensors(
  env: SensorEnv,
  options: ProbeOptions = {}
): Promise<ProbedSensors> {
  // The GPU path waits on processes (nvidia-smi, the NVML helper's Python); RAPL reads sysfs. Both
  // at once, so the slower alone decides how long the user's command waits for its window.
  const [nvidia, rapl] = await Promise.all([probeNvidia(env, options), raplProbe.probe(env)])
  const sensors = [...nvidia.sensors]
  const notices = [...nvidia.notices]

  const amd = await createAmdHwmonProbe(nvidia.count).probe(env)
  notices.push(...amd.notices)
  if (amd.sensor) sensors.push(amd.sensor)

  notices.push(...rapl.notices)
  if (rapl.sensor) {
    sensors.push(rapl.sensor)
  } else {
    const gpuMeasured = sensors.length > 0
    const reason = gpuMeasured
      ? 'no CPU energy counter: CPU and RAM are estimated while the GPU is measured'
      : 'no energy counter or power sensor could be read: CPU and RAM are estimated'
    const est = await createEstimateProbe({ reason }).probe(env)
    notices.push(...est.notices, reason)
    if (est.sensor) sensors.push(est.sensor)
  }
  return { sensors, notices, crossChecks: nvidia.crossChecks }
}

/** NVIDIA GPUs via NVML, else nvidia-smi; `count` is how many GPUs were selected. */
async function probeNvidia(
  env: SensorEnv,
  options: ProbeOptions
): Promise<ProbedSensors & { count: number }> {
  const sensors: EnergySensor[] = []
  const crossChecks: EnergySensor[] = []
  const notices: string[] = []
  const nvidia = await listNvidiaGpus(env)
  if (!nvidia.inventory) {
    // a broken driver is worth saying; a host without nvidia-smi is not
    if (!nvidia.notices.some((n) => n.startsWith('nvidia-smi not found')))
      notices.push(...nvidia.notices)
    return { sensors, notices, crossChecks, count: 0 }
  }
  notices.push(...nvidia.notices)
  const nvml = await createNvmlSensor(env, nvidia.inventory)
  notices.push(...nvml.notices)
  const smi =
    nvml.sensor === null || options.crossCheck ? createNvidiaSmiSensor(env, nvidia.inventory) : null
  if (nvml.sensor) {
    sensors.push(nvml.sensor)
    if (smi?.sensor) crossChecks.push(smi.sensor)
  } else if (smi) {
    notices.push(...smi.notices)
    if (smi.sensor) sensors.push(smi.sensor)
  }
  return { sensors, notices, crossChecks, count: nvidia.inventory.selection.selected.length }
}

interface GpuInventoryItem {
  vendor: 'nvidia' | 'amd'
  name: string
  uuid: string | null
  busId: string | null
  powerLimitW: number | null
  driver: string | null
}

/** The host's GPUs for the fingerprint (all of them, not only the visible ones); cheap: nvidia-smi once and sysfs. */
export async function readGpuInventory(env: SensorEnv): Promise<GpuInventoryItem[]> {
  const { inventory } = await listNvidiaGpus(env)
  const nvidia: GpuInventoryItem[] = (inventory?.all ?? []).map((g) => ({
    vendor: 'nvidia',
    name: g.name,
    uuid: g.uuid,
    busId: g.busId,
    powerLimitW: g.powerLimitW,
    driver: g.driver
  }))
  const amd: GpuInventoryItem[] = listAmdGpus(env.sysfsRoot).map((g) => ({
    vendor: 'amd',
    name: g.name,
    uuid: null,
    busId: g.busId,
    powerLimitW: g.powerLimitW,
    driver: null
  }))
  return [...nvidia, ...amd]
}
