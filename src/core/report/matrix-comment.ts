// One comment for a matrix of runners (one result per GPU runner of a pull request): the overall
// verdict in plain words first, one table row per runner, each runner's own report folded below.
// A reviewer sees which GPU went over budget without opening anything.
import { commentMarker } from './comment-selection.js'
import { escapeMarkdown, escapeProse, neutralizeHtmlComments } from './escape-markdown.js'
import type { Verdict } from '../types.js'
import type { Judgement, RuleResult } from '../judge/verdict.js'
import { JOULES_PER_KWH, formatEnergy, formatPercent } from './format.js'
import { REPORT_MAX_CHARS, fitToLimit } from './render-report.js'

/** What the matrix comment shows of one runner's judged result. */
export interface MatrixRunner {
  series: string
  /** the runner the job ran on (RUNNER_NAME), when the result says */
  runner: string | null
  /** GPU models of the measured host, as the sensors named them */
  gpus: string[]
  verdict: Verdict
  measuredJ: number
  /** how the measured energy was obtained (counter, power-integration, mixed, estimate) */
  method: string
  isEstimate: boolean
  normalizedJ: number | null
  normalizedIntervalJ: [number, number] | null
  /** relative change against the baseline, and the basis it was computed on */
  change: { change: number; basis: 'normalized' | 'measured' } | null
  /** the rule that decided the verdict, in short words: "Energy +35% (budget +10%)" */
  deciding: string | null
  /** the judgement's headline, for runners that were not decided by a rule */
  headline: string
  /** the runner's own report (its sticky-comment marker removed) */
  details: string
}

const ICON: Record<Verdict, string> = {
  pass: '✅',
  fail: '❌',
  inconclusive: '⚠️',
  'no-baseline': 'ℹ️'
}

const esc = (s: string, max = 200): string => escapeMarkdown(s, max, { lineStart: false })
/** our sentences that embed user values: their code spans stay code */
const prose = (s: string, max = 400): string => escapeProse(s, { maxLength: max, lineStart: false })

/** Whole percent from 10% on ("+35%"), one decimal below it ("+4.2%"): what a reviewer compares. */
function formatChange(fraction: number): string {
  return formatPercent(fraction, Math.abs(fraction) >= 0.1 ? 0 : 1)
}

/** "≤ +10.0% (…)" -> "+10.0%": the limit without its derivation, for one line. */
const shortLimit = (limit: string): string => limit.replace(/^[≤<>≥=\s]+/, '').split(' (')[0]!
const shortActual = (actual: string): string => actual.replace(/^≈\s*/, '').split(' (')[0]!

function describeDecidingRule(j: Judgement, rule: RuleResult): string {
  const budget = j.input.budget
  switch (rule.rule) {
    case 'energy-increase':
    case 'price':
      if (j.change)
        return `Energy ${formatChange(j.change.change)} (budget ${shortLimit(rule.limit)})`
      break
    case 'energy-kwh':
      if (budget.energyKwh !== null)
        return `Energy ${formatEnergy(j.run.comparedKwh * JOULES_PER_KWH)} (budget ${formatEnergy(budget.energyKwh * JOULES_PER_KWH)})`
      break
    case 'projected-kwh':
      if (budget.projectedKwh !== null && j.input.projection)
        return `Projected energy ${formatEnergy(j.input.projection.kwh * JOULES_PER_KWH)} (budget ${formatEnergy(budget.projectedKwh * JOULES_PER_KWH)})`
      break
    case 'co2-grams':
      return `CO2 ${shortActual(rule.actual)} (budget ${shortLimit(rule.limit)})`
    case 'metric-drop':
      return `${rule.subject ?? 'metric'} ${shortActual(rule.actual)} (allowed ${shortLimit(rule.limit)})`
  }
  return `${rule.rule} ${shortActual(rule.actual)} (limit ${shortLimit(rule.limit)})`
}

/** Drops the runner's own marker line, so this comment can never be taken for that runner's. */
function stripMarker(report: string, series: string): string {
  const marker = commentMarker(series)
  return report.startsWith(`${marker}\n`) ? report.slice(marker.length + 1) : report
}

/** The row of one judged runner; `report` is the single-run report rendered from the same judgement. */
export function describeRunner(j: Judgement, report: string): MatrixRunner {
  const series = j.input.series ?? 'default'
  const m = j.input.run.measurement
  const gpus = [
    ...new Set(m.components.filter((c) => c.kind === 'gpu').map((c) => c.name.trim()))
  ].filter(Boolean)
  return {
    series,
    runner: j.input.run.runner ?? null,
    gpus: gpus.length > 0 ? gpus : (m.host.gpus ?? []),
    verdict: j.verdict,
    measuredJ: m.energyJ,
    method: j.run.energyMethod,
    isEstimate: j.run.isEstimate,
    normalizedJ: j.run.normalizedKwh === null ? null : j.run.normalizedKwh * JOULES_PER_KWH,
    normalizedIntervalJ: j.run.normalizedIntervalKwh
      ? [
          j.run.normalizedIntervalKwh[0] * JOULES_PER_KWH,
          j.run.normalizedIntervalKwh[1] * JOULES_PER_KWH
        ]
      : null,
    change: j.change ? { change: j.change.change, basis: j.basis } : null,
    deciding: j.decidingRule ? describeDecidingRule(j, j.decidingRule) : null,
    headline: j.headline,
    details: stripMarker(report, series)
  }
}

/**
 * Fail if any runner fails; inconclusive if any is and none fails; no-baseline only when no runner
 * had a baseline; pass otherwise (a runner without a baseline does not hold the others back).
 */
export function decideMatrixVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('fail')) return 'fail'
  if (verdicts.includes('inconclusive')) return 'inconclusive'
  if (verdicts.length > 0 && verdicts.every((v) => v === 'no-baseline')) return 'no-baseline'
  return 'pass'
}

/** "NVIDIA A100-SXM4-40GB" -> "A100-SXM4-40GB": the vendor adds nothing in a one-line summary. */
const shortGpu = (name: string): string => name.replace(/^(NVIDIA|AMD|Intel)\s+/i, '')

/** The name a runner goes by in the first line: its GPU model when that tells it apart. */
function nameRunners(runners: readonly MatrixRunner[]): Map<MatrixRunner, string> {
  const gpuOf = (r: MatrixRunner): string | null => (r.gpus[0] ? shortGpu(r.gpus[0]) : null)
  const count = new Map<string, number>()
  for (const r of runners) {
    const g = gpuOf(r)
    if (g) count.set(g, (count.get(g) ?? 0) + 1)
  }
  return new Map(
    runners.map((r) => {
      const g = gpuOf(r)
      return [r, g && count.get(g) === 1 ? g : r.series]
    })
  )
}

const FIRST_LINE_MAX = 120

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

/** The first line in plain words: how many runners, which one decided, its figure and the limit. */
function composeMatrixLine(runners: readonly MatrixRunner[]): string {
  const verdict = decideMatrixVerdict(runners.map((r) => r.verdict))
  const names = nameRunners(runners)
  const n = runners.length
  const reason = (r: MatrixRunner): string => `${names.get(r)}: ${r.deciding ?? r.headline}`
  const worst = (list: MatrixRunner[]): MatrixRunner[] =>
    [...list].sort((a, b) => (b.change?.change ?? -Infinity) - (a.change?.change ?? -Infinity))
  let line: string
  if (verdict === 'fail' || verdict === 'inconclusive') {
    const hit = worst(runners.filter((r) => r.verdict === verdict))
    const what =
      verdict === 'inconclusive'
        ? 'inconclusive'
        : hit.every((r) => r.deciding !== null)
          ? 'over budget'
          : 'failed'
    const more = hit.length > 1 ? `; ${plural(hit.length - 1, 'more')} below` : ''
    line = `${hit.length} of ${plural(n, 'runner')} ${what} — ${reason(hit[0]!)}${more}`
    // a second fact that changes the reading: the others' state
    if (verdict === 'fail') {
      const doubtful = runners.filter((r) => r.verdict === 'inconclusive').length
      if (doubtful > 0) line += ` (${doubtful} inconclusive)`
    }
  } else if (verdict === 'no-baseline') {
    line = `${n === 1 ? 'The runner has' : `None of ${n} runners has`} a baseline yet — nothing to compare with`
  } else {
    const judged = runners.filter((r) => r.verdict === 'pass')
    const top = worst(judged).find((r) => r.change !== null)
    const unbased = n - judged.length
    line = `${judged.length === n ? `All ${plural(n, 'runner')}` : `${judged.length} of ${plural(n, 'runner')}`} within budget`
    if (top?.change)
      line += ` — largest change ${names.get(top)}: ${top.deciding ?? `Energy ${formatChange(top.change.change)}`}`
    if (unbased > 0) line += `; ${unbased} without a baseline`
  }
  return clip(line, FIRST_LINE_MAX - 3)
}

/** The comment's first line: the overall verdict's icon, then the line above, escaped. */
function describeMatrixHeadline(runners: readonly MatrixRunner[]): string {
  const verdict = decideMatrixVerdict(runners.map((r) => r.verdict))
  return `${ICON[verdict]} ${prose(composeMatrixLine(runners))}`
}

function formatMeasured(r: MatrixRunner): string {
  return `${r.isEstimate ? '≈ ' : ''}${formatEnergy(r.measuredJ)} (${esc(r.method, 60)})`
}

function formatNormalized(r: MatrixRunner): string {
  if (r.normalizedJ === null) return '— (no calibration)'
  const iv = r.normalizedIntervalJ
  return iv
    ? `${formatEnergy(r.normalizedJ)} (80%: ${formatEnergy(iv[0])} to ${formatEnergy(iv[1])})`
    : formatEnergy(r.normalizedJ)
}

function formatRunnerChange(r: MatrixRunner): string {
  if (!r.change) return '— (no baseline)'
  return `${formatChange(r.change.change)} (${r.change.basis === 'normalized' ? 'normalised' : 'measured'})`
}

function renderTable(runners: readonly MatrixRunner[]): string {
  const rows = runners.map((r) => {
    const name = r.runner ? `${esc(r.series)} (${esc(r.runner, 80)})` : esc(r.series)
    const gpu = r.gpus.length > 0 ? r.gpus.map((g) => esc(g, 80)).join(', ') : '—'
    return `| ${name} | ${gpu} | ${formatMeasured(r)} | ${formatNormalized(r)} | ${formatRunnerChange(r)} | ${ICON[r.verdict]} ${r.verdict} |`
  })
  return [
    '| Runner | GPU | Energy measured | Energy normalised | Change vs base | Verdict |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows
  ].join('\n')
}

interface MatrixCommentOptions {
  /** the series name of the sticky-comment marker; null: no marker (job summary) */
  marker: string | null
  maxChars?: number
}

/**
 * The whole comment: marker, first line, table, then one folded report per runner. Each runner's
 * report gets an equal share of the size limit and is cut on its own, so every runner keeps a row
 * and a summary line however long one report is.
 */
export function renderMatrixComment(
  runners: readonly MatrixRunner[],
  options: MatrixCommentOptions
): string {
  const max = options.maxChars ?? REPORT_MAX_CHARS
  const head = [
    ...(options.marker !== null ? [commentMarker(options.marker)] : []),
    describeMatrixHeadline(runners)
  ].join('\n')
  const table = renderTable(runners)
  const fixed = head.length + table.length + 4
  const wrappers = runners.map(
    (r) =>
      `<details><summary>${ICON[r.verdict]} ${esc(r.series)}: ${r.verdict} — ${prose(clip(r.deciding ?? r.headline, 160))}</summary>\n\n`
  )
  const closing = '\n\n</details>'
  const overhead = wrappers.reduce((sum, w) => sum + w.length + closing.length + 2, 0)
  const share = Math.max(200, Math.floor((max - fixed - overhead) / Math.max(runners.length, 1)))
  const folded = runners.map((r, i) => {
    const body = fitToLimit([neutralizeHtmlComments(r.details.trim())], share)
    return `${wrappers[i]}${body}${closing}`
  })
  return [head, table, ...folded].join('\n\n')
}

/** A few plain lines for the log: the first line, then one per runner. */
export function formatMatrixSummary(name: string, runners: readonly MatrixRunner[]): string {
  const verdict = decideMatrixVerdict(runners.map((r) => r.verdict))
  const first = composeMatrixLine(runners)
  return [
    `joulegate (${name}): ${verdict.toUpperCase()}: ${first}`,
    ...runners.map((r) => `  ${r.series}: ${r.verdict.toUpperCase()}: ${r.deciding ?? r.headline}`)
  ].join('\n')
}
