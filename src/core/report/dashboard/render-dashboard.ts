// The dashboard page: one self-contained HTML file (uPlot, its CSS, the script and the data
// inlined), so it opens from a folder, a CI artifact or GitHub Pages with no network. Text from
// records (series, branch, GPU and host names, verdicts) is untrusted: it is escaped here and the
// data island is JSON that cannot close its <script> element.
import type { DashboardData, VerdictRow } from './dashboard-data.js'
import { PAGE_SCRIPT } from './page-script.js'

export interface ChartAssets {
  /** uPlot's IIFE build (defines window.uPlot) */
  js: string
  css: string
  version: string
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])
}

/** JSON for a <script type="application/json"> element: `</script>`, `<!--` and line separators cannot end it. */
export function toDataIsland(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** Inlined code must not contain the end tag of the element it sits in. */
const inlineSafe = (code: string, tag: 'script' | 'style'): string =>
  code.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1')

const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #fff; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 1200px; margin: 0 auto; padding: 12px 16px; }
header { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: baseline; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.25rem; margin: 0; }
h2 { font-size: 1.1rem; margin: 24px 0 8px; }
h3 { font-size: 1rem; margin: 16px 0 8px; overflow-wrap: anywhere; }
label { color: var(--muted); }
select { font: inherit; padding: 4px 8px; max-width: 100%; }
.meta, .caption, .empty { color: var(--muted); font-size: 0.85rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 360px), 1fr)); gap: 12px; }
figure.chart { margin: 0; min-width: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
figcaption { font-weight: 600; font-size: 0.9rem; margin-bottom: 4px; overflow-wrap: anywhere; }
.plot { width: 100%; min-width: 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.v-pass { color: #1a7f37; } .v-fail { color: #d1242f; font-weight: 600; } .v-inconclusive { color: #9a6700; }
code { font-size: 0.85em; }
`

// words, not emoji: a phone or a Linux desktop without an emoji font shows them as boxes
const VERDICT_MARKS: Record<string, string> = {
  pass: 'pass',
  fail: 'fail',
  inconclusive: 'inconclusive',
  'no-baseline': 'no baseline'
}

function renderCommit(row: VerdictRow, repoUrl: string | null): string {
  if (!row.commit) return '—'
  const short = escapeHtml(row.commit.slice(0, 7))
  if (!repoUrl || !/^[0-9a-f]{7,64}$/i.test(row.commit)) return `<code>${short}</code>`
  const href = escapeHtml(`${repoUrl}/commit/${row.commit}`)
  return `<a href="${href}"><code>${short}</code></a>`
}

function renderVerdicts(data: DashboardData): string {
  if (data.verdicts.length === 0) return '<p class="empty">No records yet.</p>'
  const rows = data.verdicts.map((r) => {
    const verdict = r.verdict
      ? `<span class="v-${escapeHtml(r.verdict)}">${escapeHtml(VERDICT_MARKS[r.verdict] ?? r.verdict)}</span>`
      : '<span class="meta">not recorded</span>'
    return [
      '<tr>',
      `<td>${escapeHtml(r.recordedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'))}</td>`,
      `<td>${escapeHtml(r.series)}</td>`,
      `<td>${renderCommit(r, data.repoUrl)}${r.dirty ? ' <span class="meta">(local changes)</span>' : ''}</td>`,
      `<td>${r.branch ? escapeHtml(r.branch) : '—'}</td>`,
      `<td>${verdict}</td>`,
      `<td class="num">${escapeHtml(r.measured)}</td>`,
      `<td class="num">${r.normalized ? escapeHtml(r.normalized) : '—'}</td>`,
      `<td>${escapeHtml(r.runner)}</td>`,
      '</tr>'
    ].join('')
  })
  return [
    '<div class="table-wrap"><table id="verdicts">',
    '<thead><tr><th>recorded</th><th>series</th><th>commit</th><th>branch</th><th>verdict</th><th>measured</th><th>normalised</th><th>runner</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table></div>'
  ].join('\n')
}

export function renderDashboard(data: DashboardData, assets: ChartAssets): string {
  const records = data.series.reduce((n, s) => n + s.records, 0)
  const repo = data.repoUrl
    ? ` · <a href="${escapeHtml(data.repoUrl)}">${escapeHtml(data.repoUrl.replace(/^https:\/\//, ''))}</a>`
    : ''
  const notes = data.notes.map((n) => `<p class="meta">${escapeHtml(n)}</p>`).join('\n')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>joulegate energy history</title>
<style>${inlineSafe(assets.css, 'style')}</style>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Energy history</h1>
<label for="series">series <select id="series"></select></label>
<span class="meta">${records} records in ${data.series.length} series · generated ${escapeHtml(data.generatedAt)}${repo}</span>
</header>
<main>
${notes}
<div id="charts"></div>
<h2>Last verdicts</h2>
${renderVerdicts(data)}
<h2>Calibration drift per runner</h2>
<p class="caption">Energy of each suite workload against the runner's first calibration: a rising line is a runner that got slower (thermal paste, driver, power limit), which a normalised figure would otherwise hide.</p>
<div id="drift" class="grid"></div>
<p class="meta">Energy figures are what each record holds: "measured" is read from the runner's sensors (or an estimate where the record says so), "normalised" is the energy the same work is modelled to take on the reference host. Charts by uPlot ${escapeHtml(assets.version)}.</p>
</main>
<script type="application/json" id="dashboard-data">${toDataIsland(data)}</script>
<script>${inlineSafe(assets.js, 'script')}</script>
<script>${inlineSafe(PAGE_SCRIPT, 'script')}</script>
</body>
</html>
`
}
