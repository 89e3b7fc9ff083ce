// The report for a terminal or a CI log: the same first line and figures as the pull-request
// comment, as aligned plain text (no HTML marker, no <details>, no chart source, no escaping).
import type { Judgement } from '../judge/verdict.js'
import { buildComparisonRows, describeRuleStatus, ESTIMATE_NOTE } from './report-tables.js'
import { describeVerdictLine } from './verdict-line.js'

const plain = (s: string): string => s

/** Columns padded to their widest cell; the last column is left ragged. */
function alignColumns(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)))
  return rows.map((r) =>
    r
      .map((cell, c) =>
        c === r.length - 1 ? cell : cell.padEnd(widths[c]! + cell.length - [...cell].length)
      )
      .join('  ')
      .trimEnd()
  )
}

export function renderTerminal(j: Judgement): string {
  const line = describeVerdictLine(j, plain)
  const series = j.input.series && j.input.series !== 'default' ? ` (${j.input.series})` : ''
  const out = [`${line.icon} ${line.word}${series}: ${line.sentence}`]
  if (line.second) out.push(line.second)
  out.push('', ...alignColumns(buildComparisonRows(j, plain)).map((l) => `  ${l}`), '')
  if (j.rules.length === 0) out.push(`Rules: the budget (${j.input.budget.source}) sets none.`)
  else {
    out.push(`Rules (budget ${j.input.budget.source}):`)
    for (const r of j.rules) {
      const name = r.subject ? `${r.rule} (${r.subject})` : r.rule
      out.push(`  - ${name}: ${describeRuleStatus(r)}; ${r.actual}; limit ${r.limit}`)
      out.push(`      ${r.explanation}`)
    }
  }
  const b = j.input.baseline
  out.push(
    b
      ? `Baseline: ${b.record.commit ? `commit ${b.record.commit.slice(0, 12)}` : 'a record with no commit'}, ${b.reason}`
      : 'Baseline: none recorded for this series yet'
  )
  out.push(`Compared on: ${j.basisNote}`)
  if (j.change) out.push(`Statistics: ${j.change.noiseNote}`)
  const notes = [
    ...new Set([
      ...j.notes,
      ...(j.input.run.measurement.notices ?? []),
      ...(j.input.run.measurement.metricErrors ?? [])
    ])
  ].filter((n) => n !== ESTIMATE_NOTE)
  if (notes.length > 0) out.push('Notes:', ...notes.map((n) => `  - ${n}`))
  return out.join('\n')
}
