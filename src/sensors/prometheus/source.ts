// The cluster's energy, read from its Prometheus (DCGM exporter, node exporter RAPL, Kepler). The
// source remembers when the window opened and closed, waits one scrape interval after the close
// so the last scrape is stored, then asks three queries whatever the cluster's size. Before the
// command starts, a preflight checks that the selector matches energy series: a typo must fail
// in a second, not after a night of training.
import { PrometheusClient, PrometheusError } from '../../adapters/prometheus.js'
import { UsageError } from '../../core/errors.js'
import type { Component } from '../../core/types.js'
import type { ComponentSnapshot, EnergySensor } from '../sensor.js'
import { hostOf, parseWindowAnswers, type PromSample } from './parse.js'
import {
  DCGM_ENERGY,
  ENERGY_METRICS,
  KEPLER_ENERGY,
  RAPL_ENERGY,
  buildInventoryQuery,
  buildRunningTotalQuery,
  buildWindowQueries,
  normaliseSelector
} from './queries.js'

export interface PrometheusSettings {
  url: string
  selector: string | null
  token: string | null
  /** the scrape interval in seconds when the targets API cannot tell (a proxy, a managed service) */
  intervalS?: number | null
}

/** What the preflight found: the series the selector matches, per kind, and the nodes. */
export interface ClusterInventory {
  gpuSeries: number
  raplSeries: number
  keplerSeries: number
  gpuHosts: Set<string>
  cpuHosts: Set<string>
  uuids: Set<string>
  intervalS: number
  /** how the interval was found, for the report */
  intervalFrom: string
}

const DEFAULT_INTERVAL_S = 60 // Prometheus's own default scrape interval
const nowS = (): number => Date.now() / 1000
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Go durations as the targets API writes them: 1s, 15s, 1m, 1m30s, 500ms. */
function parseGoDuration(text: string | undefined): number | null {
  if (!text) return null
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g
  let total = 0
  let seen = ''
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const n = Number(m[1])
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : n / 1000
    seen += m[0]
  }
  return seen === text && total > 0 ? total : null
}

async function findInterval(
  client: PrometheusClient,
  settings: PrometheusSettings,
  hosts: Set<string>
): Promise<{ intervalS: number; from: string }> {
  if (settings.intervalS) return { intervalS: settings.intervalS, from: 'the setting' }
  try {
    const targets = await client.targets()
    // the slowest target that serves this job's nodes decides when the last scrape has landed
    const relevant = targets.filter((t) => hosts.has(hostOf(t.labels)) || hosts.size === 0)
    const intervals = (relevant.length ? relevant : targets)
      .map((t) => parseGoDuration(t.scrapeInterval))
      .filter((x): x is number => x !== null)
    if (intervals.length > 0) return { intervalS: Math.max(...intervals), from: 'the targets API' }
  } catch {
    // a managed Prometheus may not serve /api/v1/targets: fall through to the default
  }
  return { intervalS: DEFAULT_INTERVAL_S, from: `Prometheus's default (${DEFAULT_INTERVAL_S} s)` }
}

/** Which energy metrics and labels exist without the selector: the error a typo deserves. */
async function describeWhatExists(client: PrometheusClient): Promise<string> {
  const names = await client.labelValues('__name__').catch(() => [] as string[])
  const known = names.filter((n) => /^(DCGM_FI_|node_rapl_|kepler_)/.test(n))
  if (!known.includes(DCGM_ENERGY) && !known.some((n) => n.startsWith('node_rapl_')))
    return known.length
      ? `the server has ${known.slice(0, 8).join(', ')} but no ${DCGM_ENERGY} (enable it in the DCGM exporter's counters file)`
      : `the server has no DCGM exporter, node exporter RAPL or Kepler metrics at all`
  const series = await client
    .series(known.includes(DCGM_ENERGY) ? DCGM_ENERGY : RAPL_ENERGY[0], nowS() - 600, nowS())
    .catch(() => [] as Record<string, string>[])
  const values = new Map<string, Set<string>>()
  for (const s of series)
    for (const [k, v] of Object.entries(s)) {
      if (k === '__name__') continue
      const set = values.get(k) ?? new Set<string>()
      set.add(v)
      values.set(k, set)
    }
  const labels = [...values.entries()]
    .map(([k, v]) => {
      const shown = [...v].slice(0, 4).map((x) => JSON.stringify(x))
      return `${k} (${shown.join(', ')}${v.size > 4 ? `, … ${v.size} values` : ''})`
    })
    .join('; ')
  return `energy metrics present: ${known.filter((n) => (ENERGY_METRICS as readonly string[]).includes(n)).join(', ')}; their labels in the last 10 minutes: ${labels || 'none'}`
}

/**
 * The preflight: the selector is valid PromQL and matches energy series now. Throws a UsageError
 * (exit 2) naming the selector and what exists when it matches nothing.
 */
export async function inspectCluster(
  client: PrometheusClient,
  settings: PrometheusSettings
): Promise<ClusterInventory> {
  const selector = normaliseSelector(settings.selector)
  let rows: PromSample[]
  try {
    rows = await client.queryVector(buildInventoryQuery(selector), nowS())
  } catch (error) {
    if (error instanceof PrometheusError && error.errorType === 'bad_data')
      throw new UsageError(
        `prometheus-selector: got ${JSON.stringify(settings.selector)}, which Prometheus refuses: ${error.message}`
      )
    throw error
  }
  const inventory: ClusterInventory = {
    gpuSeries: 0,
    raplSeries: 0,
    keplerSeries: 0,
    gpuHosts: new Set(),
    cpuHosts: new Set(),
    uuids: new Set(),
    intervalS: 0,
    intervalFrom: ''
  }
  for (const r of rows) {
    const name = r.metric['__name__']
    const n = Number(r.value[1])
    if (name === DCGM_ENERGY) {
      inventory.gpuSeries += n
      inventory.gpuHosts.add(hostOf(r.metric))
      if (r.metric['UUID']) inventory.uuids.add(r.metric['UUID'])
    } else if (name === KEPLER_ENERGY) inventory.keplerSeries += n
    else {
      inventory.raplSeries += n
      inventory.cpuHosts.add(hostOf(r.metric))
    }
  }
  if (inventory.gpuSeries + inventory.raplSeries + inventory.keplerSeries === 0) {
    const what = await describeWhatExists(client)
    throw new UsageError(
      `prometheus-selector: got ${JSON.stringify(settings.selector ?? '')}, which matches no energy series (${ENERGY_METRICS.join(', ')}) at ${client.shownUrl}; ${what}`
    )
  }
  const interval = await findInterval(client, settings, inventory.gpuHosts)
  inventory.intervalS = interval.intervalS
  inventory.intervalFrom = interval.from
  return inventory
}

/** The energy source over one window; `start` opens it, the first `refresh` re-opens it at the command's start. */
export function createPrometheusSensor(
  client: PrometheusClient,
  settings: PrometheusSettings,
  inventory: ClusterInventory,
  options: { settleMs?: number } = {}
): EnergySensor {
  const selector = normaliseSelector(settings.selector)
  let t0 = 0
  let refreshed = false
  let lastRefreshS = 0
  let running: ComponentSnapshot[] = []
  return {
    source: 'prometheus',
    async start() {
      t0 = nowS()
      refreshed = false
      running = []
    },
    snapshot: () => running,
    async refresh() {
      const t = nowS()
      if (!refreshed) {
        // the command starts now: what the cluster spent while other sensors started is not its
        refreshed = true
        t0 = t
        lastRefreshS = t
        return
      }
      // progress lines get a running total at most once per scrape interval: one small query
      if (t - lastRefreshS < Math.max(inventory.intervalS, 5) || inventory.gpuSeries === 0) return
      lastRefreshS = t
      try {
        const [row] = await client.queryVector(buildRunningTotalQuery(selector, t - t0), t)
        running = row ? [{ id: 'prometheus:running', energyJ: Number(row.value[1]) / 1000 }] : []
      } catch {
        // a progress stamp may lag; the window's total is read at stop
      }
    },
    async stop(): Promise<Component[]> {
      const t1 = nowS()
      const windowS = t1 - t0
      // the scrape that began before t1 is stored once it answers: wait one interval for it
      await sleep(options.settleMs ?? inventory.intervalS * 1000 + 500)
      const q = buildWindowQueries(selector, windowS)
      try {
        const [dcgm, rapl, kepler] = await Promise.all([
          client.queryVector(q.dcgm, t1),
          inventory.raplSeries > 0 ? client.queryVector(q.rapl, t1) : Promise.resolve([]),
          inventory.keplerSeries > 0 ? client.queryVector(q.kepler, t1) : Promise.resolve([])
        ])
        const parsed = parseWindowAnswers(
          { dcgm, rapl, kepler },
          { windowS, intervalS: inventory.intervalS }
        )
        if (parsed.components.length === 0)
          throw new Error(
            `Prometheus at ${client.shownUrl} had no sample of the job's energy series in the window (its exporters stopped answering, or the selector's series ended before it)`
          )
        if (parsed.notes.length > 0 && parsed.components[0])
          parsed.components[0].notes = [...(parsed.components[0].notes ?? []), ...parsed.notes]
        return parsed.components
      } catch (error) {
        return [
          {
            id: 'prometheus',
            kind: 'other',
            name: `cluster at ${client.shownUrl}`,
            method: 'counter',
            source: 'prometheus:dcgm',
            energyJ: 0,
            meanPowerW: null,
            samples: 0,
            coverage: 0,
            notes: [(error as Error).message]
          }
        ]
      }
    }
  }
}

export function createPrometheusClient(settings: PrometheusSettings): PrometheusClient {
  try {
    return new PrometheusClient({ url: settings.url, token: settings.token })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}
