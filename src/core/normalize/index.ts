export { buildCalibrationPoint, computeCv, detectDrift, DRIFT_CV_FLOOR } from './calibration.js'
export type { WorkloadRun } from './calibration.js'
export { MODEL_NAMES } from './models.js'
export type { ModelName } from './models.js'
export {
  AUTOMATIC_MODEL,
  INTERVAL_LEVEL,
  NormalizationError,
  findSharedPoints,
  normalizeMeasurement,
  powerKindOf
} from './normalize.js'
export type { CandidateScore, NormalizationResult, NormalizeOptions } from './normalize.js'
export {
  UNIT_TOLERANCE,
  calibrationKindOf,
  describeUnusableKind,
  validateCalibration
} from './calibration-codec.js'
export { validateMeasurement } from './validate.js'
export type { MeasurementInput } from './validate.js'
