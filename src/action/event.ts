// What the runner tells us about the run: the event and its payload, the repository, the API.
// Read at run time (never at import), so tests and the bundle see the same environment.
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { UsageError } from '../core/errors.js'
import { readRunEnv, type EnvVars, type RunEnv } from '../usecases/run-env.js'

interface PullRequestInfo {
  number: number
  baseSha: string | null
  headSha: string | null
  /** the branches the pull request merges into and from (never a place to write history) */
  baseRef?: string | null
  headRef?: string | null
  /** head repository differs from the base (or was deleted): the code is untrusted */
  fromFork: boolean
}

export interface RunEnvironment {
  eventName: string
  owner: string | null
  repo: string | null
  sha: string | null
  apiUrl: string
  workspace: string
  runnerTemp: string
  runId: string | null
  pullRequest: PullRequestInfo | null
  /** the repository's default branch as the event payload names it */
  defaultBranch?: string | null
  /** workflow_run events: the triggering run's head commit and the pull requests GitHub linked */
  workflowRun: {
    headSha: string | null
    pullNumbers: number[]
    /** the linked pull requests' base commits, as the event (not the measured run) says */
    pulls: { number: number; baseSha: string | null }[]
    event: string | null
  } | null
  /** GITHUB_SERVER_URL: the web host, for links to commits (GitHub Enterprise Server has its own) */
  serverUrl: string
  /** GITHUB_STEP_SUMMARY: the job summary file; null outside a runner */
  stepSummary: string | null
  /** the variables every use case and child process gets (sensors, RUNNER_NAME, cross-check) */
  run: RunEnv
}

type Json = Record<string, unknown>
const obj = (v: unknown): Json | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

/** Pure: the pull request described by an event payload, when there is one. */
export function describePullRequest(payload: Json): PullRequestInfo | null {
  const pr = obj(payload['pull_request'])
  if (!pr || typeof pr['number'] !== 'number') return null
  const base = obj(pr['base'])
  const head = obj(pr['head'])
  const baseRepo = str(obj(base?.['repo'])?.['full_name'])
  // head.repo is null when the fork was deleted; absent means the payload does not say.
  const headRepoValue = head ? head['repo'] : undefined
  const headRepo = str(obj(headRepoValue)?.['full_name'])
  const fromFork =
    headRepoValue === null ||
    (headRepo !== null && baseRepo !== null && headRepo.toLowerCase() !== baseRepo.toLowerCase())
  return {
    number: pr['number'],
    baseSha: str(base?.['sha']),
    headSha: str(head?.['sha']),
    baseRef: str(base?.['ref']),
    headRef: str(head?.['ref']),
    fromFork
  }
}

/** Pure: the workflow_run part of a payload. */
export function describeWorkflowRun(payload: Json): RunEnvironment['workflowRun'] {
  const run = obj(payload['workflow_run'])
  if (!run) return null
  const pulls = Array.isArray(run['pull_requests']) ? run['pull_requests'] : []
  const linked = pulls
    .map((p) => obj(p))
    .filter((p): p is Json => typeof p?.['number'] === 'number')
    .map((p) => ({ number: p['number'] as number, baseSha: str(obj(p['base'])?.['sha']) }))
  return {
    headSha: str(run['head_sha']),
    pullNumbers: linked.map((p) => p.number),
    pulls: linked,
    event: str(run['event'])
  }
}

function readPayload(path: string | undefined): Json {
  if (!path) return {}
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new UsageError(`GITHUB_EVENT_PATH: cannot read ${path} (${(error as Error).message})`)
  }
  try {
    return obj(JSON.parse(text)) ?? {}
  } catch {
    throw new UsageError(`GITHUB_EVENT_PATH: ${path} is not a JSON object`)
  }
}

export function readRunEnvironment(env: EnvVars): RunEnvironment {
  const payload = readPayload(env['GITHUB_EVENT_PATH'])
  const [owner, repo] = (env['GITHUB_REPOSITORY'] ?? '').split('/')
  const fromPayload = obj(payload['repository'])
  return {
    eventName: env['GITHUB_EVENT_NAME'] ?? '',
    owner: str(owner) ?? str(obj(fromPayload?.['owner'])?.['login']),
    repo: str(repo) ?? str(fromPayload?.['name']),
    sha: str(env['GITHUB_SHA']),
    apiUrl: str(env['GITHUB_API_URL']) ?? 'https://api.github.com',
    workspace: str(env['GITHUB_WORKSPACE']) ?? process.cwd(),
    runnerTemp: str(env['RUNNER_TEMP']) ?? tmpdir(),
    runId: str(env['GITHUB_RUN_ID']),
    pullRequest: describePullRequest(payload),
    defaultBranch: str(fromPayload?.['default_branch']),
    workflowRun: describeWorkflowRun(payload),
    serverUrl: str(env['GITHUB_SERVER_URL']) ?? 'https://github.com',
    stepSummary: str(env['GITHUB_STEP_SUMMARY']),
    run: readRunEnv(env)
  }
}

const PULL_REQUEST_EVENTS = [
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment'
] as const

export function isPullRequestEvent(eventName: string): boolean {
  return (PULL_REQUEST_EVENTS as readonly string[]).includes(eventName)
}
