// Chooses the energy sources at run time: NVIDIA GPUs via NVML, else nvidia-smi; AMD GPUs via
// hwmon; CPU (and DRAM) via RAPL, else the estimate (CPU + RAM) — always labelled as such.
import { createAmdHwmonProbe, listAmdGpus } from './amd-hwmon/sensor.js'
import { createEstimateProbe } from './estimate/sensor.js'
import { createNvidiaSmiProbe, listNvidiaGpus } from './nvidia-smi/sensor.js'
import { createNvmlProbe } from './nvml/sensor.js'
import { raplProbe } from './rapl/sensor.js'
import {
  combineProbes,
  type ProbeResult,
  type ProbedSensors,
  type SensorEnv,
  type SensorProbe
} from './sensor.js'

interface ProbeOptions {
  /**
   * Also return an nvidia-smi power-integration sensor when NVML is used, as a cross-check
   * (scripts/ comparing counter and integrated energy). It is never part of `sensors`, so its
   * energy is not added twice.
   */
  crossCheck?: boolean
}

export async function probeSensors(
  env: SensorEnv,
  options: ProbeOptions = {}
): Promise<ProbedSensors> {
  // The GPU path waits on processes (nvidia-smi, the NVML helper's Python); RAPL reads sysfs. Both
  // at once, so the slower alone decides how long the user's command waits for its window.
  const [nvidia, rapl] = await Promise.all([probeNvidia(env, options), raplProbe.probe(env)])
  // AMD GPUs are numbered after the NVIDIA ones (gpu0.. are taken by them)
  const amd = await createAmdHwmonProbe(nvidia.count).probe(env)
  const results: ProbeResult[] = [nvidia, amd, rapl]
  if (!rapl.sensor) {
    const gpuMeasured = nvidia.sensor !== null || amd.sensor !== null
    const reason = gpuMeasured
      ? 'no CPU energy counter: CPU and RAM are estimated while the GPU is measured'
      : 'no energy counter or power sensor could be read: CPU and RAM are estimated'
    const est = await createEstimateProbe({ reason }).probe(env)
    results.push({ ...est, notices: [...est.notices, reason] })
  }
  return combineProbes(results)
}

/**
 * NVIDIA GPUs via NVML, else nvidia-smi, both over one nvidia-smi listing; nvidia-smi is NVML's
 * cross-check when asked for. `count` is how many GPUs were selected.
 */
async function probeNvidia(
  env: SensorEnv,
  options: ProbeOptions
): Promise<ProbeResult & { count: number }> {
  const nvidia = await listNvidiaGpus(env)
  if (!nvidia.inventory) {
    // a broken driver is worth saying; a host without nvidia-smi is not
    const said = nvidia.notices.some((n) => n.startsWith('nvidia-smi not found'))
    return { sensor: null, notices: said ? [] : nvidia.notices, count: 0 }
  }
  const count = nvidia.inventory.selection.selected.length
  const nvml = await createNvmlProbe(nvidia.inventory).probe(env)
  const notices = [...nvidia.notices, ...nvml.notices]
  const smiProbe: SensorProbe = createNvidiaSmiProbe(nvidia.inventory)
  if (nvml.sensor) {
    const smi = options.crossCheck ? await smiProbe.probe(env) : null
    return { sensor: nvml.sensor, crossCheck: smi?.sensor ?? null, notices, count }
  }
  const smi = await smiProbe.probe(env)
  return { sensor: smi.sensor, notices: [...notices, ...smi.notices], count }
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
