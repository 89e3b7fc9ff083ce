// The jobs the action runs, as plain use-case functions. index.ts passes this table to run();
// a test passes its own, so the shell (inputs, policy, files, comment, step status) is tested on
// its own and the real jobs by the bundle's end-to-end test.
import { calibrateRunner } from '../usecases/calibrate-runner.js'
import { runCheck, runRecord } from '../usecases/check.js'
import { runReport } from '../usecases/report-result.js'
import { openStore } from './open-store.js'

export interface Jobs {
  check: typeof runCheck
  record: typeof runRecord
  /** the same calibration path as `joulegate calibrate`; stores only a full, complete one */
  calibrate: typeof calibrateRunner
  /**
   * judges a result JSON measured elsewhere (mode report) with the trusted budget of the checkout
   * and the baseline of the store; bad input: UsageError
   */
  report: typeof runReport
  openStore: typeof openStore
}

export const jobs: Jobs = {
  check: runCheck,
  record: runRecord,
  calibrate: calibrateRunner,
  // report runs in the base repository's checkout (workflow_run): its budget file is the trusted one
  report: runReport,
  openStore
}
