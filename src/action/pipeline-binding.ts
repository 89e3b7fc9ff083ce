// Binds the action to the real pipeline and the git data-branch store.
import { GitDataBranchStore } from '../adapters/git-data-branch.js'
import { runCalibrate } from '../pipeline/calibrate-mode.js'
import { runCheck, runRecord } from '../pipeline/check.js'
import type { Store } from '../pipeline/contracts.js'
import { renderResult } from '../pipeline/result-file.js'
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
  // Fetch and push use the credentials actions/checkout persisted for origin; adding our own
  // extraheader next to them would send two Authorization headers, which GitHub rejects.
  const store = new GitDataBranchStore({
    cwd: request.cwd,
    branch: request.branch,
    identity: request.identity
  })
  return request.writable ? store : readOnly(store)
}

export const pipeline: PipelinePort = {
  runCheck,
  runRecord,
  runCalibrate,
  renderResult,
  openStore
}
