// What the action needs from the rest of joulegate. index.ts binds the real pipeline; tests bind
// fakes, so the shell (inputs, policy, files, comment, step status) is tested on its own.
import type { Settings } from '../core/settings.js'
import type {
  CheckOutcome,
  PipelineContext,
  RunCalibrate,
  RunCheck,
  RunRecord,
  Store
} from '../usecases/contracts.js'
import type { EnvVars } from '../usecases/run-env.js'

export interface StoreRequest {
  cwd: string
  /** the data branch on the workspace's `origin` */
  branch: string
  /** false on pull request runs: history is never written from them */
  writable: boolean
  /** the commit identity for data-branch commits (the runner may have none configured) */
  identity: { name: string; email: string }
  /** the github-token input: the data branch's credentials when checkout persisted none */
  token: string | null
  /** the repository's web address (GITHUB_SERVER_URL/GITHUB_REPOSITORY), for the dashboard's links */
  repoUrl: string | null
  /** the variables git starts with */
  env: EnvVars
  log: (line: string) => void
}

export interface PipelinePort {
  runCheck: RunCheck
  runRecord: RunRecord
  runCalibrate: RunCalibrate
  /**
   * judges a result JSON measured elsewhere (mode report) with the trusted budget of the checkout
   * and the baseline of the store; bad input: UsageError
   */
  renderResult: (
    result: unknown,
    settings: Settings,
    ctx: PipelineContext
  ) => CheckOutcome | Promise<CheckOutcome>
  openStore: (request: StoreRequest) => Promise<Store>
}
