// What normalisation reads of a measurement. The file itself (joulegate.measurement/v1: its
// schema, its units) is read by the measurement codec, the one reader of that format, and the
// calibration files by the calibration codec (both in ../history).
import type { ComponentKind } from '../types.js'

/** The part of a measurement that normalisation reads (the full type is Measurement). */
export interface MeasurementInput {
  energyJ: number
  durationS: number
  components: {
    kind: ComponentKind | string
    energyJ: number | null
    meanPowerW: number | null
    powerLimitW: number | null
    /** counter | power-integration | estimate: an estimate is not measured energy */
    method?: string
  }[]
  metrics: Record<string, number>
  /** the workload family the job belongs to (check sets the series name) */
  family?: string
}
