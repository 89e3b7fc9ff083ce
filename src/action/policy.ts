// Pure: what a run may do given its mode, its event and its inputs. The rules keep untrusted code
// away from write tokens: a fork's pull request never runs with write access, history is never
// written from a pull request, pull_request_target never runs the checked-out code unasked.
import { UsageError, describeBadValue } from '../core/errors.js'
import type { Settings } from '../core/settings.js'
import { isPullRequestEvent, type RunEnvironment } from './event.js'

export interface RunPolicy {
  /** post (or update) the sticky comment on the pull request */
  postComment: boolean
  /** why something was left out, for the log */
  notes: string[]
}

/** History written onto a branch the event builds from would land on top of the code. */
function refuseCodeBranch(
  dataBranch: string,
  env: Pick<RunEnvironment, 'pullRequest' | 'defaultBranch'>
): void {
  const branches: Array<[string | null | undefined, string]> = [
    [env.defaultBranch, "the repository's default branch"],
    [env.pullRequest?.baseRef, "the pull request's base branch"],
    [env.pullRequest?.headRef, "the pull request's head branch"]
  ]
  for (const [branch, what] of branches) {
    if (branch && branch.toLowerCase() === dataBranch.toLowerCase()) {
      throw new UsageError(
        `${describeBadValue('data-branch', dataBranch, 'a branch of its own for history, such as joulegate-data')}: ${branch} is ${what}, and history written there would land on top of the code`
      )
    }
  }
}

export function decideRunPolicy(
  settings: Settings,
  env: Pick<RunEnvironment, 'eventName' | 'pullRequest' | 'defaultBranch'>
): RunPolicy {
  const notes: string[] = []
  const { mode } = settings
  refuseCodeBranch(settings.dataBranch, env)
  if ((mode === 'record' || mode === 'calibrate') && isPullRequestEvent(env.eventName)) {
    throw new UsageError(
      `${describeBadValue('mode', mode, 'check or report on a pull_request event')}: history and calibration are never written from a pull request run`
    )
  }
  if (mode === 'check' || mode === 'record') {
    if (settings.command === null)
      throw new UsageError(describeBadValue('command', '', `a command to measure in mode ${mode}`))
  }
  if (env.eventName === 'pull_request_target' && mode !== 'report' && !settings.trustedCode) {
    throw new UsageError(
      `${describeBadValue('trusted-code', 'false', 'true to run code under pull_request_target')}: this event carries a write token and secrets, so the action refuses to run the checked-out code; measure in a pull_request workflow and post with mode report from workflow_run, or set trusted-code: true if the checkout is the base branch`
    )
  }
  let postComment = settings.comment === 'always' && (mode === 'check' || mode === 'report')
  if (postComment && mode === 'check') {
    if (!env.pullRequest) {
      postComment = false
      notes.push('no pull request in this event: no comment posted')
    } else if (env.pullRequest.fromFork) {
      postComment = false
      notes.push(
        'pull request from a fork: its token is read-only, so the result file is left for a workflow_run workflow to post (mode: report)'
      )
    }
  }
  if (postComment && settings.githubToken === null) {
    postComment = false
    notes.push('github-token is empty: no comment posted')
  }
  return { postComment, notes }
}
