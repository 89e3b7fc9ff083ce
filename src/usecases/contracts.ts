// What the pipeline promises its shells (the action, the CLI): the context a run gets and the
// outcome it returns, so either shell can be tested against fakes of the other side.
import type { Settings } from '../core/settings.js'
import type { Calibration, Verdict } from '../core/types.js'
import type { Judgement } from '../core/judge/verdict.js'
import type { HistoryStore } from '../adapters/store.js'
import type { RunEnv } from './run-env.js'

/** The history store behind the pipeline (git data branch in the action, a folder in the CLI). */
export type Store = HistoryStore

export interface PipelineContext {
  /** where the command runs (the action's working-directory) */
  cwd: string
  /** the repository root: the budget file and calibration files are found from here (default cwd) */
  workspace?: string
  baseSha: string | null
  headSha: string | null
  store: Store
  /** the run environment the shell read once; children get its variables explicitly */
  env: RunEnv
  log: (line: string) => void
  /** aborted on SIGINT/SIGTERM: stop the command, keep the partial measurement */
  signal?: AbortSignal
}

export interface CheckOutcome {
  verdict: Verdict
  /** markdown: the comment body and the job summary */
  report: string
  /** a few plain lines for logs */
  summaryText: string
  /** the result JSON (written to the result file, read back by mode `report`) */
  result: object
  energyKwh: number
  normalizedEnergyKwh: number | null
  energyDeltaPercent: number | null
  co2Grams: number | null
  commandExitCode: number | null
  interrupted: boolean
  /** set when no trusted budget judged the run (the verdict is then inconclusive) */
  budgetProblem?: string | null
  /** the judgement the report was rendered from, for a view that combines several runners */
  judgement?: Judgement
}

export interface CalibrateOutcome {
  calibration: Calibration
  /** markdown for the job summary */
  report: string
  /** drift against the previous calibration of this runner, one line each (warned) */
  warnings: string[]
  interrupted: boolean
}

export type RunCheck = (settings: Settings, ctx: PipelineContext) => Promise<CheckOutcome>
export type RunRecord = (settings: Settings, ctx: PipelineContext) => Promise<CheckOutcome>
export type RunCalibrate = (settings: Settings, ctx: PipelineContext) => Promise<CalibrateOutcome>
