// Prometheus answers -> components (pure). One component per GPU (DCGM), per node package or
// DRAM zone (node exporter RAPL), per node (Kepler, only where nothing else measured the node).
// A device whose series covers part of the window keeps its energy and says how much it covered.
import type { Component } from '../../core/types.js'
import { PART_LABEL, type Part } from './queries.js'

export interface PromSample {
  metric: Record<string, string>
  value: [number, string]
}

interface WindowAnswers {
  dcgm: PromSample[]
  rapl: PromSample[]
  kepler: PromSample[]
}

interface Device {
  key: string
  labels: Record<string, string>
  increase: number | null
  samples: number
  resets: number
}

/** The node a series belongs to: DCGM's Hostname, else the scrape target's host without port. */
export function hostOf(labels: Record<string, string>): string {
  if (labels['Hostname']) return labels['Hostname']
  const instance = labels['instance'] ?? ''
  return instance.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1') || 'unknown-node'
}

function groupDevices(samples: PromSample[], keyOf: (l: Record<string, string>) => string) {
  const devices = new Map<string, Device>()
  for (const s of samples) {
    const part = s.metric[PART_LABEL] as Part | undefined
    const labels = { ...s.metric }
    delete labels[PART_LABEL]
    const key = keyOf(labels)
    const value = Number(s.value[1])
    let d = devices.get(key)
    if (!d) {
      d = { key, labels, increase: null, samples: 0, resets: 0 }
      devices.set(key, d)
    }
    if (!Number.isFinite(value)) continue
    // the same device seen under two target labels (two jobs scraping one exporter): one device
    if (part === 'increase') d.increase = Math.max(d.increase ?? 0, value)
    else if (part === 'samples') d.samples = Math.max(d.samples, value)
    else if (part === 'resets') d.resets = Math.max(d.resets, value)
  }
  return [...devices.values()]
}

/**
 * The fraction of the window the series was scraped in: samples seen over samples a scrape every
 * `intervalS` puts in the window (a closed range holds one more sample than intervals).
 */
export function coverageOf(samples: number, windowS: number, intervalS: number): number {
  if (windowS <= 0 || intervalS <= 0) return samples > 0 ? 1 : 0
  const expected = Math.max(1, windowS / intervalS)
  return Math.min(1, Math.max(0, samples / expected))
}

function notesOf(d: Device, coverage: number, what: string): string[] {
  const notes: string[] = []
  if (d.resets > 0)
    notes.push(
      `${what}: counter reset ${d.resets} time(s) in the window (exporter or driver restart); counted from zero after each reset, as PromQL's increase() does`
    )
  if (coverage < 0.95)
    notes.push(
      `${what}: scraped for ${Math.round(coverage * 100)}% of the window (the node or its exporter was gone for the rest); energy is counted while it was scraped`
    )
  return notes
}

interface ParseContext {
  windowS: number
  intervalS: number
}

function toComponent(
  d: Device,
  ctx: ParseContext,
  base: Pick<Component, 'id' | 'kind' | 'name' | 'source'>,
  scale: number
): Component {
  const coverage = coverageOf(d.samples, ctx.windowS, ctx.intervalS)
  const energyJ = Math.max(0, (d.increase ?? 0) * scale)
  const notes = notesOf(d, coverage, base.id)
  return {
    ...base,
    method: 'counter',
    energyJ,
    meanPowerW: ctx.windowS > 0 ? energyJ / ctx.windowS : null,
    samples: d.samples,
    coverage: d.increase === null ? 0 : coverage,
    host: hostOf(d.labels),
    ...(notes.length ? { notes } : {})
  }
}

const byHostThenId = (a: Component, b: Component): number =>
  (a.host ?? '').localeCompare(b.host ?? '', 'en', { numeric: true }) ||
  a.id.localeCompare(b.id, 'en', { numeric: true })

/** Components from the three answers of one window; Kepler only on nodes nothing else measured. */
export function parseWindowAnswers(
  answers: WindowAnswers,
  ctx: ParseContext
): { components: Component[]; notes: string[] } {
  const notes: string[] = []
  const gpus = groupDevices(
    answers.dcgm,
    (l) => l['UUID'] || `${hostOf(l)}/${l['gpu'] ?? '?'}`
  ).map((d) => {
    const host = hostOf(d.labels)
    return {
      ...toComponent(
        d,
        ctx,
        {
          id: `${host}/gpu${d.labels['gpu'] ?? '?'}`,
          kind: 'gpu',
          name: d.labels['modelName'] || 'NVIDIA GPU',
          source: 'prometheus:dcgm'
        },
        1 / 1000 // DCGM counts millijoules
      ),
      ...(d.labels['UUID'] ? { uuid: d.labels['UUID'] } : {})
    }
  })
  const zones = groupDevices(
    answers.rapl,
    (l) => `${hostOf(l)}|${l['zone']}|${l['path'] ?? l['index'] ?? ''}`
  ).map((d) => {
    const host = hostOf(d.labels)
    const zone = d.labels['zone'] ?? 'package'
    return toComponent(
      d,
      ctx,
      {
        id: `${host}/${zone}${d.labels['index'] ?? ''}`,
        kind: zone === 'dram' ? 'ram' : 'cpu',
        name: `${zone}-${d.labels['index'] ?? '0'}`,
        source: 'prometheus:node-rapl'
      },
      1
    )
  })
  const measuredHosts = new Set([...gpus, ...zones].map((c) => c.host))
  const kepler: Component[] = []
  for (const d of groupDevices(answers.kepler, (l) => hostOf(l))) {
    const host = hostOf(d.labels)
    if (measuredHosts.has(host)) {
      // Kepler's container total includes the GPU and package energy DCGM and RAPL already count
      notes.push(
        `${host}: Kepler's container energy is not added, DCGM or RAPL already measure that node`
      )
      continue
    }
    kepler.push(
      toComponent(
        d,
        ctx,
        {
          id: `${host}/kepler`,
          kind: 'other',
          name: 'Kepler containers',
          source: 'prometheus:kepler'
        },
        1
      )
    )
  }
  return { components: [...gpus, ...zones, ...kepler].sort(byHostThenId), notes }
}
