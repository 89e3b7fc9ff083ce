// The report's tables: base against this run, the rules checked, and where every number came from.
import { markdownTable } from 'markdown-table'
import { describeIntensity } from '../carbon.js'
import { escapeMarkdown, escapeProse } from '../escape-markdown.js'
import { describeTotalMethod, netEnergy } from '../measurement.js'
import type { Component, Measurement } from '../types.js'
import type { Judgement, RuleResult, SideFigures } from '../verdict.js'
import { summariseNodes } from './node-breakdown.js'
import {
  formatCount,
  formatDuration,
  formatGrams,
  formatInterval,
  formatKwh,
  formatPercent,
  formatSig,
  toKwh
} from './format.js'

// Every user-provided value goes through esc (a single value) or prose (a sentence of ours that
// embeds user values); text we write is plain markdown. None of them starts a line here.
const esc = (s: string): string => escapeMarkdown(s, 500, { lineStart: false })
export const prose = (s: string): string => escapeProse(s, { lineStart: false })

const RESERVED = ['params', 'macs', 'flops']
const BOOKKEEPING = ['epoch', 'step']
const table = (rows: string[][]): string => markdownTable(rows, { alignDelimiters: false })

/** An energy figure with its method; an estimate never reads as a measurement. */
export function formatEnergy(kwh: number, method: string): string {
  return method.includes('estimate')
    ? `≈ ${formatKwh(kwh)} (${esc(method)})`
    : `${formatKwh(kwh)} (${esc(method)})`
}

function describeIdle(m: Measurement): { watts: string; netKwh: number } | null {
  const net = netEnergy(m.energyJ, m.idlePowerW, m.durationS)
  if (m.idlePowerW === null || net === null) return null
  const method = describeTotalMethod(m.components)
  const approx = method.includes('estimate') ? '≈ ' : ''
  return {
    watts: `${approx}${formatSig(m.idlePowerW)} W (${esc(method)}, at rest before the run)`,
    netKwh: toKwh(net)
  }
}

/**
 * Idle power and energy net of idle, when both sides measured idle power: informative only, since
 * the rules judge the energy rows above (gross energy, or its normalisation).
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
      formatEnergy(base.netKwh, `${j.base!.energyMethod}, net of idle`),
      formatEnergy(run.netKwh, `${j.run.energyMethod}, net of idle`),
      relative(base.netKwh, run.netKwh)
    ]
  ]
}

function normalized(side: SideFigures | null): string {
  if (!side || side.normalizedKwh === null || side.normalizedIntervalKwh === null) return '—'
  return `${formatKwh(side.normalizedKwh)} (80% interval ${formatInterval(side.normalizedIntervalKwh, formatSig)}; normalised, ${esc(side.normalizationModel ?? 'model')})`
}

const relative = (base: number | undefined, run: number | undefined): string =>
  base === undefined || run === undefined || base === 0 ? '—' : formatPercent(run / base - 1)

function metricDelta(base: number | undefined, run: number | undefined): string {
  if (base === undefined || run === undefined) return '—'
  const d = run - base
  return `${d >= 0 ? '+' : '−'}${formatSig(Math.abs(d), 3)}`
}

export function renderComparisonTable(j: Judgement): string {
  const { base, run, change } = j
  const commit = j.input.baseline?.record.commit
  const baseHead = base ? `base${commit ? ` (${esc(commit.slice(0, 12))})` : ''}` : 'base (none)'
  const rows: string[][] = [['', baseHead, 'this run', 'change']]
  const changeText = change
    ? `${formatPercent(change.change)} (${Math.round(change.confidence * 100)}% interval ${formatInterval(change.interval, formatPercent)})`
    : '—'
  rows.push([
    'energy, measured',
    base ? formatEnergy(base.measuredKwh, base.energyMethod) : '—',
    formatEnergy(run.measuredKwh, run.energyMethod),
    j.basis === 'measured' ? changeText : relative(base?.measuredKwh, run.measuredKwh)
  ])
  if (run.normalizedKwh !== null || base?.normalizedKwh != null) {
    rows.push([
      'energy, normalised',
      normalized(base),
      normalized(run),
      j.basis === 'normalized' ? changeText : '—'
    ])
  }
  rows.push(...idleRows(j))
  rows.push(['runs averaged', base ? String(base.repeats) : '—', String(run.repeats), ''])
  rows.push([
    'runtime (per run)',
    base ? formatDuration(base.durationS) : '—',
    formatDuration(run.durationS),
    relative(base?.durationS, run.durationS)
  ])
  const names = [
    ...new Set([...Object.keys(base?.metrics ?? {}), ...Object.keys(run.metrics)])
  ].filter((n) => !RESERVED.includes(n) && !BOOKKEEPING.includes(n))
  for (const name of names) {
    const dir = j.input.budget.metrics[name]
    const label = `${esc(name)} (${dir ? `${dir} is better` : 'direction not declared'})`
    const b = base?.metrics[name]
    const r = run.metrics[name]
    rows.push([
      label,
      b === undefined ? '—' : formatSig(b, 4),
      r === undefined ? '—' : formatSig(r, 4),
      metricDelta(b, r)
    ])
  }
  for (const name of RESERVED) {
    const b = base?.metrics[name]
    const r = run.metrics[name]
    if (b === undefined && r === undefined) continue
    const label = name === 'macs' ? 'MACs' : name === 'flops' ? 'FLOPs' : 'parameters'
    rows.push([
      label,
      b === undefined ? '—' : formatCount(b),
      r === undefined ? '—' : formatCount(r),
      relative(b, r)
    ])
  }
  rows.push([
    'CO2',
    base ? `≈ ${formatGrams(base.carbon.grams)} (estimate)` : '—',
    `≈ ${formatGrams(run.carbon.grams)} (estimate)`,
    relative(base?.carbon.grams, run.carbon.grams)
  ])
  if (j.energyWeighted) {
    const e = j.energyWeighted
    rows.push([
      `energy-weighted ${esc(e.metric)} (DCASE: metric × E_base / E_run)`,
      formatSig(e.base, 4),
      formatSig(e.run, 4),
      metricDelta(e.base, e.run)
    ])
  }
  const idleNote = rows.some((r) => r[0] === 'idle power') ? `\n\n_${NET_NOTE}_` : ''
  return table(rows) + idleNote
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
  pass: 'within its limit alone',
  fail: 'over its limit alone',
  inconclusive: 'inconclusive alone',
  'not-applicable': 'not applicable alone'
}

/**
 * A superseded rule did not decide the verdict, so its row carries no pass/fail mark; what it
 * would have said alone stays visible in words.
 */
export function describeRuleStatus(r: RuleResult, icons = true): string {
  if (r.supersededBy)
    return `${icons ? '➖ ' : ''}superseded by ${r.supersededBy} (${ALONE[r.status]}; did not decide the verdict)`
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
    c.method === 'estimate' ? `estimate${c.model ? ` (${esc(c.model)})` : ''}` : c.method,
    c.coverage === undefined ? '—' : formatPercent(c.coverage).replace('+', ''),
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
      n.minCoverage === null ? '—' : formatPercent(n.minCoverage).replace('+', '')
    ])
  ]
  return `Per node (read from Prometheus, counter increase over the command's window):\n\n${table(rows)}`
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
  lines.push(`- **Budget:** ${esc(j.input.budget.source)}`)
  const rows = [
    ['side', 'component', 'sensor', 'method', 'coverage', 'energy'],
    ...componentRows('this run', runM.components)
  ]
  if (b) rows.push(...componentRows('base', b.record.measurement.components))
  const nodes = renderNodeBreakdown(runM.components)
  return `${lines.join('\n')}\n\n${table(rows)}${nodes ? `\n\n${nodes}` : ''}`
}

export function renderNotes(j: Judgement): string {
  const notices = [
    ...(j.input.run.measurement.notices ?? []),
    ...(j.input.run.measurement.metricErrors ?? [])
  ]
  const all = [...j.notes, ...notices]
  // a list item's text may start a block ("- # x" is a heading), so lineStart stays on
  return all.length === 0 ? '' : all.map((n) => `- ${escapeProse(n)}`).join('\n')
}
