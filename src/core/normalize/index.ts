export { buildCalibrationPoint, computeCv, detectDrift, DRIFT_CV_FLOOR } from './calibration.js'
export type { WorkloadRun } from './calibration.js'
export { MODEL_NAMES } from './models.js'
export type { ModelName } from './models.js'
export {
  INTERVAL_LEVEL,
  NormalizationError,
  findSharedPoints,
  normalizeMeasurement,
  powerKindOf
} from './normalize.js'
export type { CandidateScore, NormalizationResult, NormalizeOptions } from './normalize.js'
export { UNIT_TOLERANCE, validateCalibration, validateMeasurement } from './validate.js'
export type { CalibrationPointInput, MeasurementInput } from './validate.js'
