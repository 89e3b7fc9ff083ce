// A workflow_run job's failure shows on the Actions tab, not on the fork's pull request, so it
// blocks nothing by itself. A commit status on the pull request's head commit, named per series,
// is what branch protection can require ("joulegate/<series>").
import { getOctokit } from '@actions/github'

export type CommitState = 'success' | 'failure' | 'error'

interface CommitStatusRequest {
  token: string
  apiUrl: string
  owner: string
  repo: string
  sha: string
  series: string
  state: CommitState
  description: string
}

/** The status context branch protection names; one per series, like the sticky comment. */
export const statusContext = (series: string): string => `joulegate/${series}`

/** GitHub keeps at most 140 characters of a status description. */
const fitDescription = (text: string): string =>
  text.length <= 140 ? text : `${text.slice(0, 139)}…`

export async function postCommitStatus(
  req: CommitStatusRequest
): Promise<{ ok: true } | { ok: false; status: number | null; message: string }> {
  const octokit = getOctokit(req.token, { baseUrl: req.apiUrl.replace(/\/+$/, '') })
  try {
    await octokit.rest.repos.createCommitStatus({
      owner: req.owner,
      repo: req.repo,
      sha: req.sha,
      state: req.state,
      context: statusContext(req.series),
      description: fitDescription(req.description)
    })
    return { ok: true }
  } catch (error) {
    const status = (error as { status?: unknown }).status
    return {
      ok: false,
      status: typeof status === 'number' ? status : null,
      message: error instanceof Error ? error.message : String(error)
    }
  }
}
