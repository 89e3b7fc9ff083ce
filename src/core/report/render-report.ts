// The markdown report: a pure function of the judgement (and the recent history for charts).
import { commentMarker } from './comment-selection.js'
import { escapeMarkdown, neutralizeHtmlComments } from './escape-markdown.js'
import type { HistoryRecord } from '../types.js'
import type { Judgement } from '../judge/verdict.js'
import { renderCharts } from './report-charts.js'
import {
  renderComparisonTable,
  renderNotes,
  renderMoreFigures,
  renderProvenance,
  renderRulesTable
} from './report-tables.js'
import { describeVerdictLine } from './verdict-line.js'

const esc = (s: string): string => escapeMarkdown(s, 500, { lineStart: false })

export const REPORT_MAX_CHARS = 60_000

interface ReportOptions {
  /** series name for the sticky-comment marker `<!-- joulegate:NAME -->`; null: no marker */
  marker: string | null
  /** recent history of the series, oldest first, for the charts */
  history?: readonly HistoryRecord[]
  maxChars?: number
}

/**
 * The first visible line (and a second only when it changes the reading): the verdict, the
 * figure that decided it and its limit, in words a reviewer reads in seconds.
 */
function renderHeadline(j: Judgement): string {
  const line = describeVerdictLine(j, esc)
  const series = j.input.series && j.input.series !== 'default' ? ` (${esc(j.input.series)})` : ''
  const first = `${line.icon} **${line.word}${series}:** ${line.sentence}`
  return line.second ? `${first}\n${line.second}` : first
}

/** The marker is HTML-comment text: keep it to the characters a series name may have. */
const TRUNCATION_NOTE = (dropped: number): string =>
  `\n\n> **Report truncated:** ${dropped} characters were left out to stay under the comment size limit.`

/**
 * Keeps whole sections while they fit, cuts the first one that does not at a line boundary (closing
 * an open <details>), and says so visibly.
 */
export function fitToLimit(sections: readonly string[], max: number): string {
  const full = sections.join('\n\n')
  if (full.length <= max) return full
  const budget = max - TRUNCATION_NOTE(full.length).length - '\n</details>'.length
  let out = ''
  for (const section of sections) {
    const next = out === '' ? section : `${out}\n\n${section}`
    if (next.length <= budget) {
      out = next
      continue
    }
    const lines = section.split('\n')
    let partial = out === '' ? '' : `${out}\n\n`
    for (const line of lines) {
      if (partial.length + line.length + 1 > budget) break
      partial += `${line}\n`
    }
    out = partial.trimEnd()
    break
  }
  const opened = (out.match(/<details>/g) ?? []).length - (out.match(/<\/details>/g) ?? []).length
  if (opened > 0) out += '\n</details>'
  return out + TRUNCATION_NOTE(full.length - out.length)
}

/** Everything behind the table, folded: the rules, other figures, provenance, sensors, notes. */
function renderDetails(j: Judgement): string {
  const parts = [`**Rules checked** (budget ${esc(j.input.budget.source)})`, renderRulesTable(j)]
  const more = renderMoreFigures(j)
  if (more) parts.push('**More figures**', more)
  parts.push('**Where the numbers come from**', renderProvenance(j))
  const notes = renderNotes(j)
  if (notes) parts.push('**Notes**', notes)
  const rules = j.rules.length === 1 ? '1 rule' : `${j.rules.length} rules`
  return `<details><summary>How this was judged: ${rules}, baseline, sensors and notes</summary>\n\n${parts.join('\n\n')}\n\n</details>`
}

export function renderReport(j: Judgement, options: ReportOptions): string {
  const sections: string[] = []
  if (options.marker !== null) sections.push(commentMarker(options.marker))
  sections.push(renderHeadline(j))
  sections.push(renderComparisonTable(j))
  sections.push(renderDetails(j))
  const charts = renderCharts(options.history ?? [], j)
  if (charts) sections.push(charts)
  // the marker and headline share the top lines: the marker must be the very first line
  const [first, ...rest] = sections
  // Every section but the marker is neutralised once more: user values reach the tables, notes
  // and code spans through several helpers, and none of them may carry an HTML comment marker.
  const safe = (options.marker !== null ? rest : sections).map(neutralizeHtmlComments)
  const body = options.marker !== null ? [`${first}\n${safe[0]}`, ...safe.slice(1)] : safe
  return fitToLimit(body, options.maxChars ?? REPORT_MAX_CHARS)
}
