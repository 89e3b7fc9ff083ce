// joulegate caps FILE.csv --score COL [--cost COL ...] [--where COL=VALUE ...] [--label COL] [--json]
import { parse } from 'csv-parse/sync'
import {
  computeCaps,
  parseWhereClause,
  resolveReferenceKwh,
  type CapsTable
} from '../../core/analysis/caps.js'
import { UsageError, describeBadValue } from '../../core/errors.js'
import { formatCapsMarkdown } from '../../core/report/caps-report.js'
import { COMMON, withHelp } from '../flags.js'
import type { CommandDef } from '../settings.js'
import { readTextFile } from '../../adapters/read-json-file.js'

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

export const caps: CommandDef = {
  name: 'caps',
  summary: "the best score under each energy cap, from a CSV of systems (the talk's cap table)",
  usage: `joulegate caps FILE.csv --score COL --cost COL [COL ...] [--where COL=VALUE ...]
                     [--label COL] [--ew-energy COL --ew-reference KWH|LABEL] [--json]`,
  description: `For each cost column: caps at its maximum, median and 25th percentile (linear interpolation over
the rows that have both score and cost as numbers), and the best score with cost <= cap.`,
  prepare: expandMultiValues,
  flags: [
    {
      name: 'score',
      type: 'string',
      value: 'COL',
      field: 'score',
      help: 'the score column (higher is better), e.g. psds1_eval_full'
    },
    {
      name: 'cost',
      type: 'string',
      value: 'COL',
      multiple: true,
      field: 'costs',
      help: 'cost columns; repeat the flag, list several after it, or separate with commas'
    },
    {
      name: 'where',
      type: 'string',
      value: 'COL=VALUE',
      multiple: true,
      field: 'where',
      help: 'keep rows whose COL equals VALUE; repeated: all must hold'
    },
    {
      name: 'label',
      type: 'string',
      value: 'COL',
      field: 'label',
      help: 'the column naming each system (default: label, system_code, system, name, code)'
    },
    {
      name: 'ew-energy',
      type: 'string',
      value: 'COL',
      field: 'ewEnergy',
      help: 'energy column (kWh) for the energy-weighted score score × E_ref / E'
    },
    {
      name: 'ew-reference',
      type: 'string',
      value: 'R',
      field: 'ewReference',
      help: 'E_ref: a number of kWh, or the label of the row whose --ew-energy is the reference'
    },
    withHelp(
      COMMON.json,
      'print { "rows": [...], "pareto": {...}, "energyWeighted": ... } instead of markdown'
    )
  ],
  run: runCaps
}

async function runCaps(...[settings, io]: Parameters<CommandDef['run']>): Promise<number> {
  let costs = settings.costs
  let file = settings.positionals[0]
  // `caps --cost a b FILE.csv`: the file was read as one more cost
  if (file === undefined && costs.length > 1 && /\.csv$/i.test(costs[costs.length - 1]!)) {
    file = costs[costs.length - 1]
    costs = costs.slice(0, -1)
  }
  if (file === undefined)
    throw new UsageError(
      'caps: no CSV file given; expected "joulegate caps FILE.csv --score COL --cost COL"'
    )
  if (settings.positionals.length > 1) {
    throw new UsageError(
      describeBadValue(
        'caps',
        settings.positionals.slice(1),
        'one CSV file (put extra cost columns after --cost)'
      )
    )
  }
  const score = settings.score
  if (!score)
    throw new UsageError(describeBadValue('--score', score, 'the name of the score column'))
  if (costs.length === 0)
    throw new UsageError(describeBadValue('--cost', null, 'one or more cost column names'))
  const table = await readCsv(file)
  const label = settings.label
  const ewEnergy = settings.ewEnergy
  const ewReference = settings.ewReference
  if ((ewEnergy === null) !== (ewReference === null)) {
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
    where: settings.where.map(parseWhereClause),
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
  io.out(settings.json ? JSON.stringify(result, null, 2) : formatCapsMarkdown(result))
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
