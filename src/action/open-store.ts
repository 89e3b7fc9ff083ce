// The action's history store: the git data branch, read-only on pull request runs.
import * as core from '@actions/core'
import { openDataBranchStore } from '../adapters/store/git-branch-backend.js'
import { readPersistedAuthHeader, tokenAuthHeader } from '../adapters/git.js'
import { dashboardForTree } from '../usecases/dashboard.js'
import { toRepositoryUrl } from '../core/report/dashboard/repository-url.js'
import type { HistoryStore } from '../adapters/store/store.js'
import type { EnvVars } from '../core/types.js'

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

export async function openStore(request: StoreRequest): Promise<HistoryStore> {
  // The data branch lives in a private repository that does not read the workspace's git config:
  // it gets the credentials actions/checkout persisted there, else the action's token. Exactly one
  // Authorization header is sent (two would make GitHub refuse).
  const authHeader =
    (await readPersistedAuthHeader({ cwd: request.cwd, env: request.env })) ??
    (request.token ? tokenAuthHeader(request.token) : null)
  if (authHeader) core.setSecret(authHeader.replace(/^authorization:\s*basic\s*/i, ''))
  return openDataBranchStore({
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
    onNote: (line) => request.log(`joulegate: ${line}`),
    readOnly: request.writable ? undefined : 'history is never written from a pull request run'
  })
}
