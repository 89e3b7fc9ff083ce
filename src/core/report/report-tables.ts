// The report's tables: base against this run, the rules checked, and where every number came from.
import { markdownTable } from 'markdown-table'
import { describeIntensity } from '../carbon.js'
import { escapeMarkdown as esc } from '../escape-markdown.js'
import type { Component } from '../types.js'
import type { Judgement, RuleResult, SideFigures } from '../verdict.js'
import {
  formatCount,
  formatDuration,
  formatGrams,
  formatInterval,
  formatKwh,
  formatPercent,
  formatSig
} from './format.js'

const RESERVED = ['params', 'macs', 'flops']
const BOOKKEEPING = ['epoch', 'step']
const table = (rows: string[][]): string => markdownTable(rows, { alignDelimiters: false })

/** An energy figure with its method; an estimate never reads as a measurement. */
export function formatEnergy(kwh: number, method: string): string {
  return method.includes('estimate')
    ? `≈ ${formatKwh(kwh)} (${esc(method)})`
    : `${formatKwh(kwh)} (${esc(method)})`
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
  return table(rows)
}

const STATUS: Record<RuleResult['status'], string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  inconclusive: '⚠️ inconclusive',
  'not-applicable': '➖ not applicable'
}

export function renderRulesTable(j: Judgement): string {
  if (j.rules.length === 0) return `_The budget (${esc(j.input.budget.source)}) sets no rule._`
  const rows = [['rule', 'status', 'limit', 'actual', 'why']]
  for (const r of j.rules) {
    const status = r.supersededBy
      ? `${STATUS[r.status]}, superseded by ${r.supersededBy}`
      : STATUS[r.status]
    rows.push([
      r.subject ? `${r.rule} (${esc(r.subject)})` : r.rule,
      status,
      esc(r.limit),
      esc(r.actual),
      esc(r.explanation)
    ])
  }
  return table(rows)
}

function componentRows(side: string, components: readonly Component[]): string[][] {
  return components.map((c) => [
    side,
    esc(`${c.id}: ${c.name}`),
    esc(c.source),
    c.method === 'estimate' ? `estimate${c.model ? ` (${esc(c.model)})` : ''}` : c.method,
    c.coverage === undefined ? '—' : formatPercent(c.coverage).replace('+', ''),
    c.method === 'estimate' ? `≈ ${formatKwh(c.energyJ / 3.6e6)}` : formatKwh(c.energyJ / 3.6e6)
  ])
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
  lines.push(
    b
      ? `- **Baseline:** commit ${esc(b.record.commit ?? 'unknown')}, recorded ${esc(b.record.recordedAt)}: ${esc(b.reason)}`
      : '- **Baseline:** none recorded for this series yet'
  )
  const runM = j.input.run.measurement
  const runner = j.input.run.runner ?? runM.host.hostname ?? null
  lines.push(
    `- **Runner:** ${runner ? esc(runner) : 'unnamed'}; ${esc(runM.host.cpu)}${runM.host.gpus.length ? `; ${esc(runM.host.gpus.join(', '))}` : ''}; ${describeAge(j.input.run.calibrationCreatedAt, j.input.now)}`
  )
  lines.push(`- **Compared on:** ${esc(j.basisNote)}`)
  if (j.change) lines.push(`- **Statistics:** ${esc(j.change.noiseNote)}`)
  lines.push(
    `- **Carbon:** kWh measured × PUE ${j.run.carbon.pue} × ${esc(describeIntensity(j.intensity))}; an estimate from an annual grid average`
  )
  lines.push(`- **Budget:** ${esc(j.input.budget.source)}`)
  const rows = [
    ['side', 'component', 'sensor', 'method', 'coverage', 'energy'],
    ...componentRows('this run', runM.components)
  ]
  if (b) rows.push(...componentRows('base', b.record.measurement.components))
  return `${lines.join('\n')}\n\n${table(rows)}`
}

export function renderNotes(j: Judgement): string {
  const notices = [
    ...(j.input.run.measurement.notices ?? []),
    ...(j.input.run.measurement.metricErrors ?? [])
  ]
  const all = [...j.notes, ...notices]
  return all.length === 0 ? '' : all.map((n) => `- ${esc(n)}`).join('\n')
}
