// The report's tables: base against this run, the rules checked, and where every number came from.
import { markdownTable } from 'markdown-table'
import { describeIntensity } from '../judge/carbon.js'
import { escapeMarkdown, escapeProse } from './escape-markdown.js'
import { describeTotalMethod, netEnergy } from '../measure/measurement.js'
import { RESERVED_METRIC_KEYS } from '../measure/metrics-protocol.js'
import type { Component, Measurement } from '../types.js'
import type { Judgement, RuleResult, SideFigures } from '../judge/verdict.js'
import { summariseNodes } from './node-breakdown.js'
import {
  formatCount,
  formatDuration,
  formatGrams,
  formatInterval,
  formatKwh,
  formatPercent,
  formatSig,
  formatShare,
  toKwh
} from './format.js'

// Every user-provided value goes through esc (a single value) or prose (a sentence of ours that
// embeds user values); text we write is plain markdown. None of them starts a line here.
const esc = (s: string): string => escapeMarkdown(s, 500, { lineStart: false })
const prose = (s: string): string => escapeProse(s, { lineStart: false })

const COUNTS = ['params', 'macs', 'flops']
const RESERVED = new Set<string>(RESERVED_METRIC_KEYS)
/** Markdown escaping for the comment; the terminal passes the identity. */
type Escape = (s: string) => string

const table = (rows: string[][]): string => markdownTable(rows, { alignDelimiters: false })

/** An energy figure with its method; an estimate never reads as a measurement. */
function describeEnergyCell(kwh: number, method: string, e: Escape = esc): string {
  return method.includes('estimate')
    ? `≈ ${formatKwh(kwh)} (${e(method)})`
    : `${formatKwh(kwh)} (${e(method)})`
}

/**
 * Idle power, only where a real sensor measured it: an estimate's idle power is its own power
 * model at rest, so "net of idle" on estimates would subtract a guess from a guess (and could
 * read −48% beside a gross +35%).
 */
function describeIdle(m: Measurement): { watts: string; netKwh: number } | null {
  const net = netEnergy(m.energyJ, m.idlePowerW, m.durationS)
  if (m.idlePowerW === null || net === null) return null
  const method = describeTotalMethod(m.components)
  // idle above the run's mean power leaves nothing to net: the idle reading is off, not the run
  if (method.includes('estimate') || net <= 0) return null
  return {
    watts: `${formatSig(m.idlePowerW)} W (${esc(method)}, at rest before the run)`,
    netKwh: toKwh(net)
  }
}

/**
 * Idle power and energy net of idle, when both sides measured idle power on a sensor:
 * informative only, since the rules judge gross energy (or its normalisation).
 */
function idleRows(j: Judgement): string[][] {
  const runM = j.input.run.measurement
  const baseM = j.input.baseline?.record.measurement
  const run = describeIdle(runM)
  const base = baseM ? describeIdle(baseM) : null
  if (!run || !base) return []
  return [
    ['idle power', base.watts, run.watts, relative(baseM!.idlePowerW!, runM.idlePowerW!)],
    [
      'energy net of idle (for information only)',
      describeEnergyCell(base.netKwh, `${j.base!.energyMethod}, net of idle`),
      describeEnergyCell(run.netKwh, `${j.run.energyMethod}, net of idle`),
      relative(base.netKwh, run.netKwh)
    ]
  ]
}

function normalized(side: SideFigures | null): string {
  if (!side || side.normalizedKwh === null || side.normalizedIntervalKwh === null) return '—'
  return `${formatKwh(side.normalizedKwh)} (80% interval ${formatInterval(side.normalizedIntervalKwh, formatKwh)})`
}

const relative = (base: number | undefined, run: number | undefined): string =>
  base === undefined || run === undefined || base === 0 ? '—' : formatPercent(run / base - 1)

function metricDelta(base: number | undefined, run: number | undefined): string {
  if (base === undefined || run === undefined) return '—'
  const d = run - base
  return `${d >= 0 ? '+' : '−'}${formatSig(Math.abs(d), 3)}`
}

const sideValue = (v: number | undefined): string => (v === undefined ? '—' : formatSig(v, 4))

/** The column head of the compared side: the base branch and commit when the record has them. */
function describeBaseHead(j: Judgement, e: Escape): string {
  if (!j.base) return 'base (none)'
  const rec = j.input.baseline?.record
  const name = rec?.branch ? e(rec.branch) : 'base'
  return rec?.commit ? `${name} (${e(rec.commit.slice(0, 7))})` : name
}

function describeChangeCell(j: Judgement): string {
  const c = j.change
  if (!c) return '—'
  return `${formatPercent(c.change)} (${Math.round(c.confidence * 100)}% interval ${formatInterval(c.interval, formatPercent)})`
}

const metricNames = (j: Judgement): string[] =>
  [...new Set([...Object.keys(j.base?.metrics ?? {}), ...Object.keys(j.run.metrics)])].filter(
    (n) => !RESERVED.has(n)
  )

/**
 * The one table a reviewer reads: the energy the verdict compared (normalised when both sides
 * have it, else measured), runtime, each declared metric, model size only when it changed, CO2.
 */
export function buildComparisonRows(j: Judgement, e: Escape): string[][] {
  const { base, run } = j
  const rows: string[][] = [['', describeBaseHead(j, e), 'this run', 'change']]
  if (j.basis === 'normalized') {
    rows.push(['energy, normalised', normalized(base), normalized(run), describeChangeCell(j)])
  } else {
    rows.push([
      'energy, measured',
      base ? describeEnergyCell(base.measuredKwh, base.energyMethod, e) : '—',
      describeEnergyCell(run.measuredKwh, run.energyMethod, e),
      describeChangeCell(j)
    ])
  }
  rows.push([
    'runtime',
    base ? formatDuration(base.durationS) : '—',
    formatDuration(run.durationS),
    relative(base?.durationS, run.durationS)
  ])
  for (const name of metricNames(j)) {
    const dir = j.input.budget.metrics[name]
    if (!dir) continue
    const b = base?.metrics[name]
    const r = run.metrics[name]
    rows.push([`${e(name)} (${dir} is better)`, sideValue(b), sideValue(r), metricDelta(b, r)])
  }
  for (const name of COUNTS) {
    const b = base?.metrics[name]
    const r = run.metrics[name]
    // the model's size matters to a reviewer when the change altered it; unchanged, it is noise
    if (!base || b === r) continue
    const label = name === 'macs' ? 'MACs' : name === 'flops' ? 'FLOPs' : 'parameters'
    rows.push([
      label,
      b === undefined ? '—' : formatCount(b),
      r === undefined ? '—' : formatCount(r),
      relative(b, r)
    ])
  }
  rows.push([
    'CO2 (estimate)',
    base ? `≈ ${formatGrams(base.carbon.grams)}` : '—',
    `≈ ${formatGrams(run.carbon.grams)}`,
    relative(base?.carbon.grams, run.carbon.grams)
  ])
  return rows
}

export const renderComparisonTable = (j: Judgement): string => table(buildComparisonRows(j, esc))

/**
 * The figures behind the table, for the folded part: measured energy when the table shows the
 * normalised one, idle, repeats, the energy-weighted score and metrics the budget does not judge.
 */
export function renderMoreFigures(j: Judgement): string {
  const { base, run } = j
  const rows: string[][] = [['', describeBaseHead(j, esc), 'this run', 'change']]
  if (j.basis === 'normalized') {
    rows.push([
      'energy, measured',
      base ? describeEnergyCell(base.measuredKwh, base.energyMethod) : '—',
      describeEnergyCell(run.measuredKwh, run.energyMethod),
      relative(base?.measuredKwh, run.measuredKwh)
    ])
  } else if (run.normalizedKwh !== null || base?.normalizedKwh != null) {
    rows.push(['energy, normalised (not compared)', normalized(base), normalized(run), '—'])
  }
  const idle = idleRows(j)
  rows.push(...idle)
  if (run.repeats > 1 || (base?.repeats ?? 1) > 1)
    rows.push(['runs averaged', base ? String(base.repeats) : '—', String(run.repeats), ''])
  if (j.energyWeighted) {
    const e = j.energyWeighted
    rows.push([
      `energy-weighted ${esc(e.metric)} (DCASE: metric × E_base / E_run)`,
      formatSig(e.base, 4),
      formatSig(e.run, 4),
      metricDelta(e.base, e.run)
    ])
  }
  for (const name of metricNames(j)) {
    if (j.input.budget.metrics[name]) continue
    const b = base?.metrics[name]
    const r = run.metrics[name]
    rows.push([`${esc(name)} (not judged)`, sideValue(b), sideValue(r), metricDelta(b, r)])
  }
  if (rows.length === 1) return ''
  return table(rows) + (idle.length > 0 ? `\n\n_${NET_NOTE}_` : '')
}

export const NET_NOTE =
  'Net of idle = energy − idle power × runtime, shown for information only: the rules judge gross energy (or its normalisation), which counts both sides the same way.'

const STATUS: Record<RuleResult['status'], string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  inconclusive: '⚠️ inconclusive',
  'not-applicable': '➖ not applicable'
}

const ALONE: Record<RuleResult['status'], string> = {
  pass: 'alone it would pass',
  fail: 'alone it would fail',
  inconclusive: 'alone it would be inconclusive',
  'not-applicable': 'alone it would not apply'
}

/**
 * A rule replaced by another did not decide the verdict, so its row carries no pass/fail mark;
 * what it would have said alone stays visible in words. Energy-increase gives way to price
 * because the metric gain may pay for extra energy: judging the increase alone would fail every
 * improvement that costs energy.
 */
export function describeRuleStatus(r: RuleResult, icons = true): string {
  if (r.supersededBy)
    return `${icons ? '➖ ' : ''}not deciding: the ${r.supersededBy} rule judges energy, since the metric gain can pay for it (${ALONE[r.status]})`
  return icons ? STATUS[r.status] : r.status
}

export function renderRulesTable(j: Judgement): string {
  if (j.rules.length === 0) return `_The budget (${esc(j.input.budget.source)}) sets no rule._`
  const rows = [['rule', 'status', 'limit', 'actual', 'why']]
  for (const r of j.rules) {
    rows.push([
      r.subject ? `${r.rule} (${esc(r.subject)})` : r.rule,
      describeRuleStatus(r),
      prose(r.limit),
      prose(r.actual),
      prose(r.explanation)
    ])
  }
  return table(rows)
}

// past this many components (a cluster job), the node table stands in for one row per GPU
const MAX_COMPONENT_ROWS = 24

function componentRows(side: string, all: readonly Component[]): string[][] {
  const components = all.length > MAX_COMPONENT_ROWS ? all.filter((c) => c.host === undefined) : all
  const folded = all.length - components.length
  const rows = components.map((c) => [
    side,
    esc(`${c.id}: ${c.name}`),
    esc(c.source),
    c.method,
    c.coverage === undefined ? '—' : formatShare(c.coverage),
    c.method === 'estimate' ? `≈ ${formatKwh(toKwh(c.energyJ))}` : formatKwh(toKwh(c.energyJ))
  ])
  if (folded > 0) {
    const sum = all.filter((c) => c.host !== undefined).reduce((a, c) => a + c.energyJ, 0)
    rows.push([
      side,
      `${folded} cluster devices (per node below)`,
      'prometheus',
      'counter',
      '—',
      formatKwh(toKwh(sum))
    ])
  }
  return rows
}

/** One row per node of a cluster measurement; empty when no component names its node. */
export function renderNodeBreakdown(components: readonly Component[]): string {
  const nodes = summariseNodes(components)
  if (nodes.length === 0) return ''
  const rows = [
    ['node', 'GPUs', 'energy', 'coverage'],
    ...nodes.map((n) => [
      esc(n.host),
      n.models ? esc(n.models) : '0',
      formatKwh(toKwh(n.energyJ)),
      n.minCoverage === null ? '—' : formatShare(n.minCoverage)
    ])
  ]
  return `Per node (read from Prometheus, counter increase over the command's window):\n\n${table(rows)}`
}

/** Each estimate model once, however many components and sides used it. */
function describeModels(components: readonly Component[]): string[] {
  const models = new Map<string, string[]>()
  for (const c of components) {
    if (c.method !== 'estimate' || !c.model) continue
    const ids = models.get(c.model) ?? []
    if (!ids.includes(c.id)) ids.push(c.id)
    models.set(c.model, ids)
  }
  return [...models].map(
    ([model, ids]) => `- **Estimate model** (${esc(ids.join(', '))}): ${esc(model)}`
  )
}

function describeAge(createdAt: string | null | undefined, now: string | null | undefined): string {
  if (!createdAt) return 'no calibration'
  const days = now ? (Date.parse(now) - Date.parse(createdAt)) / 86_400_000 : NaN
  return Number.isFinite(days)
    ? `calibrated ${esc(createdAt)} (${formatSig(Math.max(days, 0), 2)} days before this run)`
    : `calibrated ${esc(createdAt)}`
}

export function renderProvenance(j: Judgement): string {
  const lines: string[] = []
  const b = j.input.baseline
  const which = b?.record.commit ? `commit ${esc(b.record.commit)}` : 'a record with no commit'
  lines.push(
    b
      ? `- **Baseline:** ${which}, recorded ${esc(b.record.recordedAt)}: ${prose(b.reason)}`
      : '- **Baseline:** none recorded for this series yet'
  )
  const runM = j.input.run.measurement
  const runner = j.input.run.runner ?? runM.host.hostname ?? null
  lines.push(
    `- **Runner:** ${runner ? esc(runner) : 'unnamed'}; ${esc(runM.host.cpu)}${runM.host.gpus.length ? `; ${esc(runM.host.gpus.join(', '))}` : ''}; ${describeAge(j.input.run.calibrationCreatedAt, j.input.now)}`
  )
  // the basis, noise and carbon sentences are ours, with no user value in them
  lines.push(`- **Compared on:** ${j.basisNote}`)
  if (j.change) lines.push(`- **Statistics:** ${j.change.noiseNote}`)
  lines.push(
    `- **Carbon:** kWh measured × PUE ${j.run.carbon.pue} × ${describeIntensity(j.intensity)}; an estimate from an annual grid average`
  )
  const baseComponents = b ? b.record.measurement.components : []
  lines.push(...describeModels([...runM.components, ...baseComponents]))
  const rows = [
    ['side', 'component', 'sensor', 'method', 'coverage', 'energy'],
    ...componentRows('this run', runM.components),
    ...componentRows('base', baseComponents)
  ]
  const nodes = renderNodeBreakdown(runM.components)
  return `${lines.join('\n')}\n\n${table(rows)}${nodes ? `\n\n${nodes}` : ''}`
}

/** Said by the second line already, when the figures are estimates. */
export const ESTIMATE_NOTE = 'Some energy figures are estimates (no sensor): judge them as such.'

export function renderNotes(j: Judgement): string {
  const notices = [
    ...(j.input.run.measurement.notices ?? []),
    ...(j.input.run.measurement.metricErrors ?? [])
  ]
  // each fact once: a notice repeated by several sensors or sides is listed a single time
  const all = [...new Set([...j.notes, ...notices])].filter((n) => n !== ESTIMATE_NOTE)
  // a list item's text may start a block ("- # x" is a heading), so lineStart stays on
  return all.length === 0 ? '' : all.map((n) => `- ${escapeProse(n)}`).join('\n')
}
