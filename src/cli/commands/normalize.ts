// joulegate normalize --local CAL --reference CAL --measurement FILE [--measurement FILE ...] [--json]
import { markdownTable } from 'markdown-table'
import { toKwh } from '../../core/format.js'
import { UsageError, describeBadValue } from '../../core/errors.js'
import {
  AUTOMATIC_MODEL,
  NormalizationError,
  MODEL_NAMES,
  normalizeMeasurement,
  validateCalibration,
  validateMeasurement
} from '../../core/normalize/index.js'
import type { ModelName, NormalizationResult } from '../../core/normalize/index.js'
import { readJsonFile } from '../../adapters/read-json-file.js'
import type { CliIo } from '../io.js'
import { parseFlags, stringFlag, stringFlags } from '../flags.js'

const NORMALIZE_USAGE = `usage: joulegate normalize --local CAL --reference CAL --measurement FILE [--measurement FILE ...] [--json]

  --local CAL          calibration (joulegate.calibration/v1) of the host the measurements ran on
  --reference CAL      calibration of the reference host whose scale the energy is expressed on
  --measurement FILE   a measurement (joulegate.measurement/v1); repeat for several
  --model NAME         force one model (${MODEL_NAMES.join(', ')}); default: ${AUTOMATIC_MODEL}
  --baseline WORKLOAD  the single-ratio model's baseline workload (default: the first shared one)
  --family NAME        the measurements' workload family (default: each measurement's "family"):
                       a calibration point of that family on both hosts anchors the estimate
  --allow-quick        use a quick (smoke-run) calibration anyway (alias --force)
  --json               print a JSON array, one object per measurement

Normalised energy is an estimate (a model fitted on the workloads both calibrations share), shown
with its 80% interval from leave-one-out residuals.`

const kwh = (j: number): string => toKwh(j).toPrecision(3)

function formatTable(files: string[], results: NormalizationResult[]): string {
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

export async function run(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags('normalize', argv, {
    local: { type: 'string' },
    reference: { type: 'string' },
    measurement: { type: 'string', multiple: true },
    model: { type: 'string' },
    baseline: { type: 'string' },
    family: { type: 'string' },
    'allow-quick': { type: 'boolean' },
    force: { type: 'boolean' },
    json: { type: 'boolean' }
  })
  if (flags.values['help']) {
    io.out(NORMALIZE_USAGE)
    return 0
  }
  const localFile = stringFlag(flags.values, 'local')
  const referenceFile = stringFlag(flags.values, 'reference')
  const measurementFiles = stringFlags(flags.values, 'measurement')
  if (!localFile) throw new UsageError(describeBadValue('--local', null, 'a calibration file'))
  if (!referenceFile)
    throw new UsageError(describeBadValue('--reference', null, 'a calibration file'))
  if (measurementFiles.length === 0)
    throw new UsageError(describeBadValue('--measurement', null, 'at least one measurement file'))
  if (flags.positionals.length > 0)
    throw new UsageError(
      describeBadValue('normalize argument', flags.positionals[0], 'only --flags')
    )
  const model = stringFlag(flags.values, 'model')
  if (model !== undefined && !(MODEL_NAMES as readonly string[]).includes(model))
    throw new UsageError(describeBadValue('--model', model, `one of ${MODEL_NAMES.join(', ')}`))
  const baseline = stringFlag(flags.values, 'baseline')
  const family = stringFlag(flags.values, 'family')
  if (family !== undefined && !/\S/.test(family))
    throw new UsageError(describeBadValue('--family', family, 'a workload family name'))
  const allowQuick = Boolean(flags.values['allow-quick'] || flags.values['force'])

  const local = validateCalibration(await readJsonFile(localFile, 'calibration'), localFile)
  const reference = validateCalibration(
    await readJsonFile(referenceFile, 'calibration'),
    referenceFile
  )
  const results: NormalizationResult[] = []
  for (const file of measurementFiles) {
    const measurement = validateMeasurement(await readJsonFile(file, 'measurement'), file)
    try {
      results.push(
        normalizeMeasurement(local, reference, measurement, {
          ...(model === undefined ? {} : { model: model as ModelName }),
          ...(baseline === undefined ? {} : { baseline }),
          ...(family === undefined ? {} : { family }),
          allowQuick
        })
      )
    } catch (error) {
      // errors about the calibrations' shared workloads are not the measurement file's fault
      if (error instanceof NormalizationError) throw error
      if (error instanceof UsageError) throw new UsageError(`${file}: ${error.message}`)
      throw error
    }
  }
  if (flags.values['json']) {
    const out = results.map((r, i) => ({ measurement: measurementFiles[i], ...r }))
    io.out(JSON.stringify(out, null, 2))
  } else {
    io.out(formatTable(measurementFiles, results))
  }
  return 0
}
