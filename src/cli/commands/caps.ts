// joulegate caps FILE.csv --score COL [--cost COL ...] [--where COL=VALUE ...] [--label COL] [--json]
import { parse } from 'csv-parse/sync'
import { markdownTable } from 'markdown-table'
import {
  computeCaps,
  parseWhereClause,
  resolveReferenceKwh,
  type CapLevel,
  type CapsResult,
  type CapsTable
} from '../../core/caps.js'
import { UsageError, describeBadValue } from '../../core/errors.js'
import { parseFlags, stringFlag, stringFlags } from '../flags.js'
import { readTextFile } from '../../adapters/read-json-file.js'
import type { CliIo } from '../io.js'

const CAPS_USAGE = `usage: joulegate caps FILE.csv --score COL --cost COL [COL ...] [--where COL=VALUE ...]
                     [--label COL] [--ew-energy COL --ew-reference KWH|LABEL] [--json]

For each cost column: caps at its maximum, median and 25th percentile (linear interpolation over
the rows that have both score and cost as numbers), and the best score with cost <= cap.
  --score COL          the score column (higher is better), e.g. psds1_eval_full
  --cost COL ...       cost columns; repeat the flag, list several after it, or separate with commas
  --where COL=VALUE    keep rows whose COL equals VALUE; repeated: all must hold
  --label COL          the column naming each system (default: label, system_code, system, name, code)
  --ew-energy COL      energy column (kWh) for the energy-weighted score score × E_ref / E
  --ew-reference R     E_ref: a number of kWh, or the label of the row whose --ew-energy is the reference
  --json               print { "rows": [...], "pareto": {...}, "energyWeighted": ... } instead of markdown`

const MULTI = new Set(['--cost', '--where'])

/** `--cost a b c` and `--cost a,b` both become repeated flags; parseArgs alone would take b, c as positionals. */
export function expandMultiValues(argv: readonly string[]): string[] {
  const out: string[] = []
  let current: string | null = null
  for (const token of argv) {
    if (token.startsWith('-')) {
      current = MULTI.has(token) ? token : null
      if (current === null) out.push(token)
      continue
    }
    if (current !== null) {
      // only cost lists split on commas: a --where value may contain one ("AudioSet, ImageNet")
      const parts =
        current === '--cost'
          ? token
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : [token]
      for (const part of parts) out.push(current, part)
      continue
    }
    out.push(token)
  }
  return out
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags('caps', expandMultiValues(argv), {
    score: { type: 'string' },
    cost: { type: 'string', multiple: true },
    where: { type: 'string', multiple: true },
    label: { type: 'string' },
    'ew-energy': { type: 'string' },
    'ew-reference': { type: 'string' },
    json: { type: 'boolean' }
  })
  if (flags.values['help']) {
    io.out(CAPS_USAGE)
    return 0
  }
  let costs = stringFlags(flags.values, 'cost')
  let file = flags.positionals[0]
  // `caps --cost a b FILE.csv`: the file was read as one more cost
  if (file === undefined && costs.length > 1 && /\.csv$/i.test(costs[costs.length - 1]!)) {
    file = costs[costs.length - 1]
    costs = costs.slice(0, -1)
  }
  if (file === undefined)
    throw new UsageError(
      'caps: no CSV file given; expected "joulegate caps FILE.csv --score COL --cost COL"'
    )
  if (flags.positionals.length > 1) {
    throw new UsageError(
      describeBadValue(
        'caps',
        flags.positionals.slice(1),
        'one CSV file (put extra cost columns after --cost)'
      )
    )
  }
  const score = stringFlag(flags.values, 'score')
  if (!score)
    throw new UsageError(describeBadValue('--score', score ?? null, 'the name of the score column'))
  if (costs.length === 0)
    throw new UsageError(describeBadValue('--cost', null, 'one or more cost column names'))
  const table = await readCsv(file)
  const label = stringFlag(flags.values, 'label') ?? null
  const ewEnergy = stringFlag(flags.values, 'ew-energy')
  const ewReference = stringFlag(flags.values, 'ew-reference')
  if ((ewEnergy === undefined) !== (ewReference === undefined)) {
    throw new UsageError(
      describeBadValue(
        ewEnergy ? '--ew-reference' : '--ew-energy',
        null,
        'both --ew-energy and --ew-reference, or neither'
      )
    )
  }
  const result = computeCaps(table, {
    score,
    costs,
    where: stringFlags(flags.values, 'where').map(parseWhereClause),
    label,
    energyWeighted:
      ewEnergy && ewReference
        ? {
            energyColumn: ewEnergy,
            reference: ewReference,
            referenceKwh: referenceOf(table, ewReference, ewEnergy, label)
          }
        : null
  })
  io.out(flags.values['json'] ? JSON.stringify(result, null, 2) : formatCapsMarkdown(result))
  return 0
}

function referenceOf(
  table: CapsTable,
  reference: string,
  energyColumn: string,
  label: string | null
): number {
  if (!table.columns.includes(energyColumn)) {
    throw new UsageError(
      `${describeBadValue('--ew-energy', energyColumn, 'a column of the CSV')}; available columns: ${table.columns.join(', ')}`
    )
  }
  return resolveReferenceKwh(table, reference, energyColumn, label)
}

async function readCsv(file: string): Promise<CapsTable> {
  const text = await readTextFile(file, 'FILE', 'a readable CSV file')
  let columns: string[] = []
  try {
    const rows = parse(text, {
      columns: (header: string[]) => (columns = header.map((h) => h.trim())),
      skip_empty_lines: true,
      bom: true
    }) as Record<string, string>[]
    return { columns, rows }
  } catch (error) {
    throw new UsageError(
      describeBadValue('FILE', file, `a CSV file with one header row (${(error as Error).message})`)
    )
  }
}

const LEVEL_NAMES: Record<CapLevel, string> = {
  all: 'all systems (max)',
  median: 'median',
  p25: '25th percentile'
}

function formatNumber(x: number): string {
  if (x === 0) return '0'
  const abs = Math.abs(x)
  return abs >= 1e5 || abs < 1e-3 ? x.toExponential(3) : Number(x.toPrecision(4)).toString()
}

/** The talk's table (levels × costs, best score and system), then the caps and the Pareto fronts. */
function formatCapsMarkdown(result: CapsResult): string {
  const costs = [...new Set(result.rows.map((r) => r.cost))]
  const subset = result.where.length
    ? result.where.map((w) => `${w.column}=${w.value}`).join(' and ')
    : 'all rows'
  const lines = [
    `### Best ${result.score} under a footprint cap`,
    '',
    `Rows: ${result.rowsMatched} of ${result.rowsTotal} (${subset}). A cap keeps the systems whose cost is <= the cap; caps are computed over the rows that have both ${result.score} and that cost.`,
    ''
  ]
  const cell = (cost: string, level: CapLevel): string => {
    const row = result.rows.find((r) => r.cost === cost && r.level === level)
    if (!row) return '—'
    return row.best === null
      ? `— (cap ${formatNumber(row.cap)})`
      : `${formatNumber(row.best)} ${row.label ?? ''} (cap ${formatNumber(row.cap)})`
  }
  lines.push(
    markdownTable([
      ['cap at', ...costs],
      ...(['all', 'median', 'p25'] as CapLevel[]).map((level) => [
        LEVEL_NAMES[level],
        ...costs.map((c) => cell(c, level))
      ])
    ]),
    ''
  )
  const missing = costs.length === 0 ? ' No row has both the score and a cost as numbers.' : ''
  lines.push(
    `Systems with score and cost: ${costs.map((c) => `${c} ${result.rows.find((r) => r.cost === c)?.rowsWithCost ?? 0}`).join(', ')}.${missing}`,
    ''
  )
  for (const [cost, front] of Object.entries(result.pareto)) {
    lines.push(`#### Pareto front: ${result.score} against ${cost}`, '')
    lines.push(
      markdownTable([
        ['system', cost, result.score],
        ...front.map((p) => [p.label, formatNumber(p.cost), formatNumber(p.score)])
      ]),
      ''
    )
  }
  const ew = result.energyWeighted
  if (ew) {
    lines.push(
      `#### Energy-weighted ${result.score} (× ${formatNumber(ew.referenceKwh)} kWh / ${ew.energyColumn}, reference ${ew.reference})`,
      ''
    )
    lines.push(
      markdownTable([
        ['system', result.score, `${ew.energyColumn}`, 'energy-weighted'],
        ...ew.systems.map((s) => [
          s.label,
          formatNumber(s.score),
          formatNumber(s.energyKwh),
          formatNumber(s.energyWeighted)
        ])
      ]),
      ''
    )
  }
  return lines.join('\n')
}
