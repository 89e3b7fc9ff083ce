// PromQL for one measured window, built as text from the user's selector (pure). Every query
// carries the selector, and the window's sum over time is computed by Prometheus itself: a
// 64-node job costs the same three queries as a 1-node one. See docs/cluster.md for the method.
import { UsageError } from '../../core/errors.js'

export const DCGM_ENERGY = 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION' // mJ counter, per GPU
export const RAPL_ENERGY = [
  'node_rapl_package_joules_total',
  'node_rapl_dram_joules_total'
] as const
export const KEPLER_ENERGY = 'kepler_container_joules_total'
export const ENERGY_METRICS = [DCGM_ENERGY, ...RAPL_ENERGY, KEPLER_ENERGY] as const

/** The label that tells the parts of one combined answer apart; no exporter uses it. */
export const PART_LABEL = 'joulegate_part'
export type Part = 'increase' | 'samples' | 'resets'

/** The labels one GPU's series is reduced to: pod/job churn must not split a device in two. */
const DCGM_BY = ['Hostname', 'instance', 'gpu', 'UUID', 'modelName'] as const
const RAPL_BY = ['Hostname', 'instance', 'index', 'path'] as const
const KEPLER_BY = ['Hostname', 'instance'] as const

/**
 * The selector's matchers, checked just enough to keep the query well-formed: a brace or a
 * metric name would change what every query means. Prometheus checks the rest and says so.
 */
export function normaliseSelector(selector: string | null): string {
  const s = (selector ?? '').trim().replace(/^\{/, '').replace(/\}$/, '').trim()
  if (/[{}]/.test(s))
    throw new UsageError(
      `prometheus-selector: got ${JSON.stringify(selector)}, expected label matchers such as Hostname=~"gpu-node-0[1-4]",hpc_job="4242" (no braces inside, no metric name)`
    )
  if (s !== '' && !/^[A-Za-z_][A-Za-z0-9_]*\s*(=~|!~|!=|=)/.test(s))
    throw new UsageError(
      `prometheus-selector: got ${JSON.stringify(selector)}, expected label matchers such as Hostname=~"gpu-node-0[1-4]" (LABEL="value", LABEL=~"regex", comma-separated)`
    )
  return s
}

function select(metric: string, selector: string): string {
  return `${metric}{${selector}}`
}

/** A range in whole milliseconds: Prometheus reads `20500ms`, and rounding to seconds would cut the edges. */
export function formatRange(seconds: number): string {
  return `${Math.max(1, Math.round(seconds * 1000))}ms`
}

function tag(expr: string, part: Part, extra: Record<string, string> = {}): string {
  let out = `label_replace(${expr}, "${PART_LABEL}", "${part}", "", "")`
  for (const [k, v] of Object.entries(extra)) out = `label_replace(${out}, "${k}", "${v}", "", "")`
  return out
}

function parts(
  metric: string,
  selector: string,
  range: string,
  by: readonly string[],
  extra: Record<string, string> = {}
): string[] {
  const series = `${select(metric, selector)}[${range}]`
  const grouping = `by (${by.join(', ')})`
  // max, not sum: two series for one device are two scrapes of one counter (two jobs, a
  // relabelled duplicate), never two devices
  return [
    tag(`max ${grouping} (increase(${series}))`, 'increase', extra),
    tag(`max ${grouping} (count_over_time(${series}))`, 'samples', extra),
    tag(`max ${grouping} (resets(${series}))`, 'resets', extra)
  ]
}

interface WindowQueries {
  dcgm: string
  rapl: string
  kepler: string
}

/** The three queries of a window of `seconds` that ends at the evaluation time. */
export function buildWindowQueries(selector: string, seconds: number): WindowQueries {
  const range = formatRange(seconds)
  return {
    dcgm: parts(DCGM_ENERGY, selector, range, DCGM_BY).join(' or '),
    rapl: RAPL_ENERGY.flatMap((m) =>
      parts(m, selector, range, RAPL_BY, { zone: m.replace(/^node_rapl_|_joules_total$/g, '') })
    ).join(' or '),
    kepler: parts(KEPLER_ENERGY, selector, range, KEPLER_BY).join(' or ')
  }
}

/** The series the selector matches now, per metric and device: the preflight and the double-count check. */
export function buildInventoryQuery(selector: string): string {
  const names = ENERGY_METRICS.join('|')
  const sel = selector === '' ? '' : `, ${selector}`
  return `count by (__name__, Hostname, instance, UUID, modelName) ({__name__=~"${names}"${sel}})`
}

/** A cheap running total for progress lines while the command runs (GPUs only). */
export function buildRunningTotalQuery(selector: string, seconds: number): string {
  return `sum(max by (${DCGM_BY.join(', ')}) (increase(${select(DCGM_ENERGY, selector)}[${formatRange(seconds)}])))`
}
