// joulegate normalize --local CAL --reference CAL --measurement FILE [--measurement FILE ...] [--json]
import { formatNormalizeTable } from '../../core/report/normalize-report.js'
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
import { COMMON, choiceOf, nameLike, withHelp } from '../flags.js'
import type { CommandDef } from '../settings.js'

export const normalize: CommandDef = {
  name: 'normalize',
  summary: "express a measurement on a reference host's scale (an estimate with its interval)",
  usage:
    'joulegate normalize --local CAL --reference CAL --measurement FILE [--measurement FILE ...] [--json]',
  flags: [
    {
      name: 'local',
      type: 'string',
      value: 'CAL',
      field: 'local',
      help: 'calibration (joulegate.calibration/v1) of the host the measurements ran on'
    },
    {
      name: 'reference',
      type: 'string',
      value: 'CAL',
      field: 'reference',
      help: 'calibration of the reference host whose scale the energy is expressed on'
    },
    {
      name: 'measurement',
      type: 'string',
      value: 'FILE',
      multiple: true,
      field: 'measurements',
      help: 'a measurement (joulegate.measurement/v1); repeat for several'
    },
    {
      name: 'model',
      type: 'string',
      value: 'NAME',
      field: 'model',
      parse: choiceOf(MODEL_NAMES, `one of ${MODEL_NAMES.join(', ')}`),
      help: `force one model (${MODEL_NAMES.join(', ')}); default: ${AUTOMATIC_MODEL}`
    },
    {
      name: 'baseline',
      type: 'string',
      value: 'WORKLOAD',
      field: 'baseline',
      help: "the single-ratio model's baseline workload (default: the first shared one)"
    },
    {
      ...COMMON.family,
      parse: nameLike('a workload family name', /\S/),
      help: 'the measurements\' workload family (default: each measurement\'s "family"):\na calibration point of that family on both hosts anchors the estimate'
    },
    {
      name: 'allow-quick',
      type: 'boolean',
      field: 'allowQuick',
      help: 'use a quick (smoke-run) calibration anyway (alias --force)'
    },
    {
      name: 'force',
      type: 'boolean',
      field: 'allowQuick',
      hidden: true,
      help: 'alias of --allow-quick'
    },
    withHelp(COMMON.json, 'print a JSON array, one object per measurement')
  ],
  notes: `Normalised energy is an estimate (a model fitted on the workloads both calibrations share), shown
with its 80% interval from leave-one-out residuals.`,
  run: runNormalize
}

async function runNormalize(...[settings, io]: Parameters<CommandDef['run']>): Promise<number> {
  const {
    local: localFile,
    reference: referenceFile,
    model,
    baseline,
    family,
    allowQuick
  } = settings
  const measurementFiles = settings.measurements
  if (!localFile) throw new UsageError(describeBadValue('--local', null, 'a calibration file'))
  if (!referenceFile)
    throw new UsageError(describeBadValue('--reference', null, 'a calibration file'))
  if (measurementFiles.length === 0)
    throw new UsageError(describeBadValue('--measurement', null, 'at least one measurement file'))
  if (settings.positionals.length > 0)
    throw new UsageError(
      describeBadValue('normalize argument', settings.positionals[0], 'only --flags')
    )

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
          ...(model === null ? {} : { model: model as ModelName }),
          ...(baseline === null ? {} : { baseline }),
          ...(family === null ? {} : { family }),
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
  if (settings.json) {
    const out = results.map((r, i) => ({ measurement: measurementFiles[i], ...r }))
    io.out(JSON.stringify(out, null, 2))
  } else {
    io.out(formatNormalizeTable(measurementFiles, results))
  }
  return 0
}
