// The per-node view of energy read from a cluster's telemetry: one row per node, so a 64-node
// job's report stays readable, and a node that left the job shows its coverage.
import type { Component } from '../types.js'

interface NodeEnergy {
  host: string
  gpus: number
  /** the GPU models on the node with their counts, e.g. "2 × NVIDIA A100-SXM4-80GB" */
  models: string
  energyJ: number
  /** the lowest coverage of the node's components: a node that vanished mid-run shows it */
  minCoverage: number | null
}

/** The per-node breakdown of a cluster measurement, in node order; empty without node labels. */
export function summariseNodes(components: readonly Component[]): NodeEnergy[] {
  const nodes = new Map<string, NodeEnergy & { names: Map<string, number> }>()
  for (const c of components) {
    if (!c.host) continue
    const n = nodes.get(c.host) ?? {
      host: c.host,
      gpus: 0,
      models: '',
      energyJ: 0,
      minCoverage: null,
      names: new Map<string, number>()
    }
    n.energyJ += c.energyJ
    if (c.kind === 'gpu') {
      n.gpus++
      n.names.set(c.name, (n.names.get(c.name) ?? 0) + 1)
    }
    if (c.coverage !== undefined) n.minCoverage = Math.min(n.minCoverage ?? 1, c.coverage)
    nodes.set(c.host, n)
  }
  return [...nodes.values()]
    .sort((a, b) => a.host.localeCompare(b.host, 'en', { numeric: true }))
    .map(({ names, ...n }) => ({
      ...n,
      models: [...names.entries()].map(([name, k]) => `${k} × ${name}`).join(', ')
    }))
}
