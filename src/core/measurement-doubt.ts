// When a measurement cannot carry a verdict: a sensor that stopped answering, a counter that
// became unreadable or reset, a GPU that one side measured and the other did not. Such a side
// under-counts (or over-counts) by an unknown amount, so comparing its total with a budget or a
// baseline would turn a fault into a confident pass or fail. Pure.
import type { Component, Measurement } from './types.js'

/**
 * The least share of a side's energy that readings must cover (docs/budget.md). Below it the
 * missing part could be as large as a typical budget's allowed increase (10%), so the side cannot
 * be judged.
 */
export const MIN_ENERGY_COVERAGE = 0.9

/** How a component is matched across sides: its kind and id (gpu0, cpu0, ram0). */
const keyOf = (c: Pick<Component, 'kind' | 'id'>): string => `${c.kind} ${c.id}`

/**
 * The share of a side's energy its readings covered: measured energy over measured energy plus
 * each component's missing part, extrapolated at its own mean power over the uncovered time.
 * 1 when no component says otherwise; 0 when a component that used energy has no coverage at all.
 */
export function computeEnergyCoverage(components: readonly Component[]): number {
  let measured = 0
  let extrapolated = 0
  for (const c of components) {
    const cov = c.coverage ?? 1
    if (c.energyJ <= 0) {
      // nothing counted over a window mostly uncovered (no reading at all, or a counter that
      // failed early): its share is unknown, not zero
      if (cov < MIN_ENERGY_COVERAGE) return 0
      continue
    }
    if (cov <= 0) return 0
    measured += c.energyJ
    extrapolated += c.energyJ / Math.min(1, cov)
  }
  return extrapolated > 0 ? measured / extrapolated : 1
}

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`

function describeLowCoverage(side: string, components: readonly Component[]): string | null {
  const coverage = computeEnergyCoverage(components)
  if (coverage >= MIN_ENERGY_COVERAGE) return null
  const below = components.filter((c) => (c.coverage ?? 1) < MIN_ENERGY_COVERAGE)
  const worst = (below.length > 0 ? below : components.filter((c) => (c.coverage ?? 1) < 1))
    .map((c) => `${c.id} ${percent(c.coverage ?? 1)}`)
    .join(', ')
  return `${side}'s readings cover ${percent(coverage)} of its energy (${worst}), below the ${percent(MIN_ENERGY_COVERAGE)} needed to judge it`
}

/**
 * Why the run, its baseline or the pair cannot be judged; empty when they can. A component set
 * that differs between the sides (a GPU dropped because nvidia-smi stopped answering, a RAPL zone
 * that became unreadable) compares different things; a side whose readings cover less than
 * MIN_ENERGY_COVERAGE of its energy measured only part of it.
 */
export function findMeasurementDoubts(run: Measurement, base: Measurement | null): string[] {
  const doubts: string[] = []
  if (base) {
    const runKeys = new Set(run.components.map(keyOf))
    const baseKeys = new Set(base.components.map(keyOf))
    const missing = base.components.filter((c) => !runKeys.has(keyOf(c)))
    const extra = run.components.filter((c) => !baseKeys.has(keyOf(c)))
    if (missing.length > 0)
      doubts.push(
        `the run did not measure ${missing.map((c) => `${c.id} (${c.name})`).join(', ')}, which the baseline measured`
      )
    if (extra.length > 0)
      doubts.push(
        `the run measured ${extra.map((c) => `${c.id} (${c.name})`).join(', ')}, which the baseline did not`
      )
  }
  const runLow = describeLowCoverage('the run', run.components)
  if (runLow) doubts.push(runLow)
  const baseLow = base ? describeLowCoverage('the baseline', base.components) : null
  if (baseLow) doubts.push(baseLow)
  return doubts
}
