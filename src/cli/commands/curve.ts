// joulegate curve FILE [--metric NAME] [--json] [--config BUDGET.yml] [--price KWH_PER_UNIT]
//                       [--direction higher|lower] [--planned N [--projected-kwh KWH]]
import { readFile } from 'node:fs/promises'
import { parseBudget } from '../../core/judge/budget/parse-budget.js'
import type { Budget } from '../../core/judge/budget/budget-schema.js'
import {
  analyseCurve,
  describeCurve,
  guessDirection,
  listNumericMetrics,
  pickDefaultMetric,
  type Direction
} from '../../core/analysis/curve.js'
import { UsageError, describeBadValue } from '../../core/errors.js'
import { formatCurveMarkdown } from '../../core/report/curve-report.js'
import { projectFromProgress } from '../../core/analysis/projection.js'
import type { Measurement } from '../../core/types.js'
import { INPUTS } from '../../core/settings.js'
import { COMMON, choiceOf, positiveNumber, withHelp } from '../flags.js'
import type { CommandDef } from '../settings.js'
import { readTextFile } from '../../adapters/read-json-file.js'

/** --config FILE must exist; without it, .github/joulegate.yml is used when present. */
async function readBudget(file: string | undefined): Promise<Budget | null> {
  const name = file ?? '.github/joulegate.yml'
  let text: string
  try {
    text = await readFile(name, 'utf8')
  } catch (error) {
    if (file === undefined) return null
    throw new UsageError(
      describeBadValue(
        '--config',
        file,
        `a readable budget file (${(error as NodeJS.ErrnoException).code ?? String(error)})`
      )
    )
  }
  return parseBudget(text, name)
}

async function readMeasurement(file: string): Promise<Measurement> {
  const text = await readTextFile(file, 'FILE', 'a readable measurement file')
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new UsageError(describeBadValue('FILE', file, `JSON (${(error as Error).message})`))
  }
  const m = data as Partial<Measurement>
  if (typeof data !== 'object' || data === null || !Array.isArray(m.progress)) {
    throw new UsageError(
      describeBadValue('FILE', file, 'a joulegate.measurement/v1 file with a "progress" list')
    )
  }
  return m as Measurement
}

export const curve: CommandDef = {
  name: 'curve',
  summary: "energy against a metric over a measurement's progress: where training stopped paying",
  usage: `joulegate curve FILE [--metric NAME] [--config BUDGET.yml] [--price KWH_PER_UNIT]
                      [--direction higher|lower] [--planned N] [--projected-kwh KWH] [--json]`,
  description:
    "Energy versus performance from a measurement's progress (the metric lines stamped with energy).",
  flags: [
    {
      name: 'metric',
      type: 'string',
      value: 'NAME',
      field: 'metric',
      help: "the metric (default: the budget's price metric, else the first numeric key\nthat is not epoch/step/params/macs/flops)"
    },
    {
      name: 'config',
      type: 'string',
      value: 'FILE',
      input: INPUTS.budgetFile,
      help: 'budget file for metrics: directions, price and projected-kwh\n(default: .github/joulegate.yml when it exists; flags win over it)'
    },
    {
      name: 'price',
      type: 'string',
      value: 'KWH',
      field: 'price',
      parse: positiveNumber,
      help: "extra kWh you accept per +1.0 of the metric (the budget's price.kwh-per-unit);\nwithout it, the knee of the curve is reported instead"
    },
    {
      name: 'direction',
      type: 'string',
      value: 'D',
      field: 'direction',
      parse: choiceOf(['higher', 'lower'] as const, 'higher or lower'),
      help: 'higher or lower is better (default: lower for names like loss/error/wer, else higher)'
    },
    {
      name: 'planned',
      type: 'string',
      value: 'N',
      field: 'planned',
      parse: (value, flag) => {
        const n = positiveNumber(value, flag)
        if (!Number.isInteger(n))
          throw new UsageError(describeBadValue(flag, value, 'a whole number of epochs or steps'))
        return n
      },
      help: 'project the energy of a full training of N epochs (or steps) from this run'
    },
    {
      name: 'projected-kwh',
      type: 'string',
      value: 'KWH',
      field: 'projectedKwh',
      parse: positiveNumber,
      help: "the budget's projected-kwh cap to compare the projection with"
    },
    withHelp(COMMON.json, 'print the analysis as JSON')
  ],
  run: runCurve
}

async function runCurve(...[settings, io]: Parameters<CommandDef['run']>): Promise<number> {
  const [file, ...extra] = settings.positionals
  if (file === undefined)
    throw new UsageError('curve: no measurement file given; expected "joulegate curve FILE"')
  if (extra.length > 0)
    throw new UsageError(describeBadValue('curve', extra, 'one measurement file'))
  const directionFlag = settings.direction ?? undefined
  const priceFlag = settings.price
  const planned = settings.planned
  const budget = await readBudget(settings.given.has('config') ? settings.budgetFile : undefined)

  const measurement = await readMeasurement(file)
  const available = listNumericMetrics(measurement.progress)
  const budgetMetric =
    budget?.price && available.includes(budget.price.metric) ? budget.price.metric : null
  const metric = settings.metric ?? budgetMetric ?? pickDefaultMetric(measurement.progress)
  if (metric === null) {
    throw new UsageError(
      describeBadValue(
        'FILE',
        file,
        'a progress list with at least one numeric metric (epoch/step/params/macs/flops do not count)'
      )
    )
  }
  if (!available.includes(metric)) {
    throw new UsageError(
      `${describeBadValue('--metric', metric, 'a numeric metric of the progress list')}; available: ${available.join(', ') || 'none'}`
    )
  }
  // flags win over the budget file; the budget's price applies only to the metric it prices
  const direction =
    (directionFlag as Direction | undefined) ?? budget?.metrics[metric] ?? guessDirection(metric)
  const price = priceFlag ?? (budget?.price?.metric === metric ? budget.price.kwhPerUnit : null)
  const projectedKwh = settings.projectedKwh ?? budget?.projectedKwh ?? null
  const analysis = analyseCurve(measurement.progress, {
    metric,
    direction,
    priceKwhPerUnit: price
  })!
  const projection =
    planned === null ? null : projectFromProgress(measurement.progress, planned, { projectedKwh })
  const sentence = describeCurve(analysis)
  if (settings.json) {
    io.out(JSON.stringify({ metric, sentence, analysis, projection }, null, 2))
  } else {
    io.out(formatCurveMarkdown(analysis, sentence, projection))
  }
  return 0
}
