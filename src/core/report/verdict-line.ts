// The report's first line, in plain words: the verdict, the figure that decided it and the limit
// it was held to, so a reviewer reads the outcome without opening anything. Shared by the
// pull-request comment, the job summary and the terminal; only the escaping differs.
import type { Verdict } from '../types.js'
import type { Judgement, RuleResult } from '../judge/verdict.js'
import { formatKwh, formatSig } from './format.js'

const VERDICT_ICON: Record<Verdict, string> = {
  pass: '✅',
  fail: '❌',
  inconclusive: '⚠️',
  'no-baseline': 'ℹ️'
}

const VERDICT_WORD: Record<Verdict, string> = {
  pass: 'Pass',
  fail: 'Fail',
  inconclusive: 'Inconclusive',
  'no-baseline': 'No baseline yet'
}

interface VerdictLine {
  icon: string
  word: string
  /** what decided, with its limit; already escaped by the caller's `esc` */
  sentence: string
  /** only when it changes the reading: why a verdict is inconclusive, or that figures are estimates */
  second: string | null
}

/** "+35%", "−4.2%": whole percents once the change is large enough to read that way. */
function roughPercent(fraction: number): string {
  const v = fraction * 100
  const digits = Math.abs(v) < 10 ? 1 : 0
  const s = Math.abs(v).toFixed(digits)
  if (Number(s) === 0) return '0%'
  return `${v > 0 ? '+' : '−'}${s}%`
}

const signedKwh = (kwh: number): string => `${kwh >= 0 ? '+' : '−'}${formatKwh(Math.abs(kwh))}`

/** The name of the side compared with: the base branch when the record names one. */
function describeBaseName(j: Judgement, esc: (s: string) => string): string {
  const branch = j.input.baseline?.record.branch
  return branch ? esc(branch) : 'base'
}

function describeEnergyRule(j: Judgement, r: RuleResult, esc: (s: string) => string): string {
  const c = j.change!
  const base = describeBaseName(j, esc)
  const delta = j.base ? ` (${signedKwh(j.run.comparedKwh - j.base.comparedKwh)})` : ''
  const what = j.basis === 'normalized' ? 'normalised energy' : 'energy'
  const energy =
    c.change >= 0
      ? `${what} ${roughPercent(c.change)} over ${base}${delta}`
      : `${what} ${roughPercent(-c.change).slice(1)} below ${base}${delta}`
  const allowed = r.allowedChange === undefined ? esc(r.limit) : roughPercent(r.allowedChange)
  let out = `${energy}; budget allows ${allowed}`
  if (r.rule === 'price' && r.gain !== undefined) {
    const metric = esc(j.input.budget.price!.metric)
    // on a fail, a metric that did not improve is why nothing paid for the extra energy
    if (r.gain > 0) out += ` with ${metric} +${formatSig(r.gain)}`
    else if (r.status !== 'pass') out += ` — ${metric} did not improve`
  }
  return out
}

const RULE_SUBJECT: Record<RuleResult['rule'], string> = {
  'energy-kwh': 'energy of one run',
  'energy-increase': 'energy',
  price: 'energy',
  'co2-grams': 'CO2',
  'metric-drop': '',
  'projected-kwh': 'projected energy of the full training'
}

function describeRule(j: Judgement, r: RuleResult, esc: (s: string) => string): string {
  if ((r.rule === 'energy-increase' || r.rule === 'price') && j.change)
    return describeEnergyRule(j, r, esc)
  const subject = r.rule === 'metric-drop' ? esc(r.subject ?? 'metric') : RULE_SUBJECT[r.rule]
  return `${subject} ${esc(r.actual)}; budget allows ${esc(r.limit)}`
}

/** A headline set by the pipeline (a crash, a cancellation, no trusted budget) in two lines. */
function splitHeadline(text: string): [string, string | null] {
  const at = text.indexOf(': ')
  if (text.length <= 90 || at < 0) return [text, null]
  return [text.slice(0, at), `${text.slice(at + 2, at + 3).toUpperCase()}${text.slice(at + 3)}`]
}

const sentenceEnd = (s: string): string => (/[.!?]$/.test(s) ? s : `${s}.`)

export function describeVerdictLine(j: Judgement, esc: (s: string) => string): VerdictLine {
  const icon = VERDICT_ICON[j.verdict]
  const word = VERDICT_WORD[j.verdict]
  const estimate = j.run.isEstimate || j.base?.isEstimate === true
  const estimateLine = estimate
    ? 'Energy figures marked ≈ are estimates from a power model (no sensor), not measurements.'
    : null
  const r = j.decidingRule
  if (r) {
    let second = estimateLine
    if (j.verdict === 'inconclusive' && j.change)
      second = `The difference is within the noise: repeat the run (--repeat 3) or calibrate the runner to narrow it.${estimate ? ` ${estimateLine}` : ''}`
    return { icon, word, sentence: sentenceEnd(describeRule(j, r, esc)), second }
  }
  // the word already says there is no baseline; the sentence keeps what this run used
  const headline = j.headline.replace(/^no baseline yet; /, '')
  const [first, rest] = splitHeadline(esc(headline))
  return {
    icon,
    word,
    sentence: sentenceEnd(first),
    second: rest ? sentenceEnd(rest) + (estimate ? ` ${estimateLine}` : '') : estimateLine
  }
}
