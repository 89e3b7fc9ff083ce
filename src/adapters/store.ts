// Where history and calibrations live. Two implementations share the layout of core/history/history.ts:
// a local folder (CLI, `--store DIR`) and the `joulegate-data` branch of the workspace's origin
// (the action). Both only ever add: a record is appended, a calibration is added to its log and
// becomes the latest; nothing is rewritten or removed.
import type { Calibration, HistoryRecord } from '../core/types.js'

export interface HistoryStore {
  /** where the data lives, for reports and errors ("folder .joulegate", "branch joulegate-data of ...") */
  readonly description: string
  /** appends one record to history/SERIES.jsonl (created when missing) */
  appendRecord(series: string, record: HistoryRecord): Promise<void>
  /**
   * every record of the series in file order; [] when the series has none. A line that cannot be
   * read is skipped and named in the result (`describeSkippedLines` of core/history/history.ts gives the
   * report's notes), so one torn line never stops every later check.
   */
  readHistory(series: string): Promise<HistoryRecord[]>
  /**
   * throws, saying why, when a record of `series` could not be written now; called before a
   * training run that will be recorded. Optional: a store without it is found out on writing.
   */
  checkWritable?(series: string): Promise<void>
  /** the newest calibration of this hardware fingerprint, or null */
  readCalibration(fingerprint: string): Promise<Calibration | null>
  /** every calibration written for this fingerprint, oldest first (for drift warnings) */
  readCalibrationLog(fingerprint: string): Promise<Calibration[]>
  /** adds to calibration/FP.jsonl and makes calibration/FP.json the one with the newest createdAt */
  writeCalibration(fingerprint: string, cal: Calibration): Promise<void>
  /** the series names that have a history file, sorted */
  listSeries(): Promise<string[]>
  /** the fingerprints that have a calibration log, sorted (the dashboard's drift charts) */
  listCalibrations?(): Promise<string[]>
  /** releases temporary files (the data-branch clone); the store is unusable afterwards */
  close(): Promise<void>
}
