// Binds the action to the real pipeline and the git data-branch store.
import * as core from '@actions/core'
import { GitDataBranchStore } from '../adapters/git-data-branch.js'
import { readPersistedAuthHeader, tokenAuthHeader } from '../adapters/git.js'
import { runCalibrate } from '../usecases/calibrate-mode.js'
import { runCheck, runRecord } from '../usecases/check.js'
import { dashboardForTree } from '../usecases/dashboard.js'
import { toRepositoryUrl } from '../core/report/dashboard/repository-url.js'
import type { Store } from '../usecases/contracts.js'
import { runReport } from '../usecases/report-result.js'
import type { PipelinePort, StoreRequest } from './pipeline-port.js'

/** Pull request runs get a store that cannot write, whatever the pipeline asks of it. */
function readOnly(store: Store): Store {
  const refuse = async (): Promise<never> => {
    throw new Error(`${store.description}: history is never written from a pull request run`)
  }
  return {
    ...store,
    description: store.description,
    readHistory: (s) => store.readHistory(s),
    readCalibration: (f) => store.readCalibration(f),
    readCalibrationLog: (f) => store.readCalibrationLog(f),
    listSeries: () => store.listSeries(),
    close: () => store.close(),
    appendRecord: refuse,
    writeCalibration: refuse
  }
}

async function openStore(request: StoreRequest): Promise<Store> {
  // The data branch lives in a private repository that does not read the workspace's git config:
  // it gets the credentials actions/checkout persisted there, else the action's token. Exactly one
  // Authorization header is sent (two would make GitHub refuse).
  const authHeader =
    (await readPersistedAuthHeader({ cwd: request.cwd, env: request.env })) ??
    (request.token ? tokenAuthHeader(request.token) : null)
  if (authHeader) core.setSecret(authHeader.replace(/^authorization:\s*basic\s*/i, ''))
  const store = new GitDataBranchStore({
    cwd: request.cwd,
    env: request.env,
    branch: request.branch,
    identity: request.identity,
    authHeader,
    onRetry: (attempt, reason) =>
      request.log(`joulegate: data branch push rejected (${reason}); retry ${attempt}`),
    // every record and calibration refreshes dashboard/ in the same commit (GitHub Pages serves it)
    companionFiles: request.writable
      ? dashboardForTree({
          repoUrl: request.repoUrl ? toRepositoryUrl(request.repoUrl) : null,
          description: request.branch
        })
      : undefined,
    onNote: (line) => request.log(`joulegate: ${line}`)
  })
  return request.writable ? store : readOnly(store)
}

export const pipeline: PipelinePort = {
  runCheck,
  runRecord,
  runCalibrate,
  // report runs in the base repository's checkout (workflow_run): its budget file is the trusted one
  renderResult: runReport,
  openStore
}
