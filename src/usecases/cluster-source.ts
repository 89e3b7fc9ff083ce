// The cluster contract in a measurement: the Prometheus source beside the runner's own sensors.
// The preflight runs before the command; the runner's devices that Prometheus also sees are
// read from Prometheus only, so no device is counted twice.
import { hostname } from 'node:os'
import type { Settings } from '../core/settings.js'
import type { EnergySensor, SensorProbe } from '../sensors/sensor.js'
import type { EnvVars } from './run-env.js'
import {
  createPrometheusClient,
  createPrometheusSensor,
  inspectCluster,
  type ClusterInventory,
  type PrometheusSettings
} from '../sensors/prometheus/source.js'
import type { PrometheusClient } from '../adapters/prometheus.js'

const CLUSTER_ENV = {
  url: 'JOULEGATE_PROMETHEUS_URL', // contract
  token: 'JOULEGATE_PROMETHEUS_TOKEN', // contract
  intervalS: 'JOULEGATE_PROMETHEUS_INTERVAL_S'
} as const

const LOCAL_GPU_SOURCES = new Set(['nvml', 'nvidia-smi', 'amd-hwmon'])
const LOCAL_CPU_SOURCES = new Set(['rapl', 'estimate'])

/**
 * The Prometheus source, preflighted: its probe gives a fresh sensor for each window (with the
 * preflight's summary as its notice), the same shape as every local source's.
 */
interface ClusterSource extends SensorProbe {
  client: PrometheusClient
  inventory: ClusterInventory
  /** the local sensors that may run beside the cluster, and what was left out and why */
  filterLocal(
    sensors: EnergySensor[],
    localGpuUuids: readonly string[]
  ): { sensors: EnergySensor[]; notices: string[] }
}

/** Null without a URL (setting or JOULEGATE_PROMETHEUS_URL); otherwise preflighted, or a UsageError. */
export async function openClusterSource(
  settings: Partial<Pick<Settings, 'prometheusUrl' | 'prometheusSelector'>>,
  env: EnvVars
): Promise<ClusterSource | null> {
  const url = settings.prometheusUrl || env[CLUSTER_ENV.url] || null
  if (!url) return null
  const intervalS = Number(env[CLUSTER_ENV.intervalS])
  const prom: PrometheusSettings = {
    url,
    selector: settings.prometheusSelector ?? null,
    token: env[CLUSTER_ENV.token] || null,
    intervalS: Number.isFinite(intervalS) && intervalS > 0 ? intervalS : null
  }
  const client = createPrometheusClient(prom)
  const inventory = await inspectCluster(client, prom)
  const hosts = [...inventory.gpuHosts].sort()
  const notices = [
    `Prometheus at ${client.shownUrl}${prom.selector ? ` with ${prom.selector}` : ''}: ${inventory.gpuSeries} GPU series on ${hosts.length} node(s) (${hosts.slice(0, 8).join(', ')}${hosts.length > 8 ? ', …' : ''}), ${inventory.raplSeries} RAPL and ${inventory.keplerSeries} Kepler series; scrape interval ${inventory.intervalS} s from ${inventory.intervalFrom}`
  ]
  const me = hostname()
  return {
    source: 'prometheus',
    client,
    inventory,
    probe: async () => ({ sensor: createPrometheusSensor(client, prom, inventory), notices }),
    filterLocal(sensors, localGpuUuids) {
      const out: string[] = []
      const gpuSeen =
        inventory.gpuHosts.has(me) || localGpuUuids.some((u) => inventory.uuids.has(u))
      const cpuSeen = inventory.cpuHosts.has(me)
      const kept = sensors.filter((s) => {
        if (gpuSeen && LOCAL_GPU_SOURCES.has(s.source)) {
          out.push(
            `local ${s.source} sensor not used: this runner's GPUs are in Prometheus and are counted from there once`
          )
          return false
        }
        if (cpuSeen && LOCAL_CPU_SOURCES.has(s.source)) {
          out.push(
            `local ${s.source} sensor not used: this runner's CPU is in Prometheus (node exporter RAPL) and is counted from there once`
          )
          return false
        }
        return true
      })
      return { sensors: kept, notices: [...new Set(out)] }
    }
  }
}
