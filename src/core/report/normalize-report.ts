// The normalize view: measured energy put on a reference host's scale, as markdown. The
// normalised figure is an estimate and says so in its column and its head line.
import { markdownTable } from 'markdown-table'
import type { NormalizationResult } from '../normalize/index.js'
import { formatSig, toKwh } from './format.js'

const kwh = (j: number): string => formatSig(toKwh(j))

/** One row per measurement file on the reference scale, then each file's evidence and notices. */
export function formatNormalizeTable(files: string[], results: NormalizationResult[]): string {
  const rows = results.map((r, i) => [
    files[i],
    `${r.energyJ.toFixed(0)} J`,
    `${r.normalizedEnergyJ.toFixed(0)} J (${kwh(r.normalizedEnergyJ)} kWh)`,
    `${r.interval[0].toFixed(0)}–${r.interval[1].toFixed(0)} J`,
    r.model,
    `${(r.looError * 100).toFixed(1)}%`,
    String(r.pointsUsed.length)
  ])
  const table = markdownTable([
    [
      'measurement',
      'measured',
      'normalised (estimate)',
      '80% interval',
      'model',
      'LOO error',
      'points'
    ],
    ...rows
  ])
  const notes = results.flatMap((r, i) =>
    [`evidence: ${r.evidence ?? ''}`, ...r.notices].map((n) => `- ${files[i]}: ${n}`)
  )
  const head = `Energy on the reference scale of ${results[0]?.reference ?? '?'} (method: estimate).`
  return [head, '', table, ...(notes.length ? ['', ...notes] : [])].join('\n')
}
