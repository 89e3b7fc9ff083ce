// One sticky comment per pull request and series, through the REST API only: page through every
// comment, pick ours (marker AND our identity, see core/comment-selection), PATCH it, else POST.
// GitHub being slow, down or rate limiting never throws out of here: the caller warns, and the
// verdict alone decides the step.
import { getOctokit } from '@actions/github'
import {
  DEFAULT_HTTP_POLICY,
  GitHubUnavailableError,
  callWithRetry,
  waitBeforeRetry,
  type HttpPolicy
} from '../adapters/github-api.js'
import { GITHUB_ACTIONS_BOT } from '../core/github-bot.js'
import { fitCommentBody, selectOwnComment, type CommentInfo } from '../core/comment-selection.js'

interface StickyCommentRequest {
  token: string
  /** GITHUB_API_URL: https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server */
  apiUrl: string
  owner: string
  repo: string
  issueNumber: number
  series: string
  body: string
  /** the configured `comment-author`; null: resolve it from the token */
  author: string | null
  log?: (line: string) => void
  /** deadlines, retries and the page bound; DEFAULT_HTTP_POLICY unless given */
  policy?: HttpPolicy
}

type StickyCommentResult =
  | { action: 'created' | 'updated'; id: number; url: string; author: string }
  | { action: 'forbidden'; status: number; message: string }
  /** GitHub was down, timed out, rate limited, or refused the request for another reason */
  | { action: 'unavailable'; status: number | null; rateLimited: boolean; message: string }

type Octokit = ReturnType<typeof getOctokit>

/** Tokens that belong to a person (classic and fine-grained PATs, OAuth, user-to-server). */
const USER_TOKEN = /^(ghp_|github_pat_|gho_|ghu_)/

function httpStatus(error: unknown): number | null {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : null
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)

/**
 * An octokit whose every request runs under the policy. The retry wraps octokit's own request, so
 * the proxy settings @actions/github reads from the runner still apply.
 */
function createClient(
  token: string,
  apiUrl: string,
  policy: HttpPolicy,
  log: (line: string) => void
): Octokit {
  // baseUrl passed explicitly: @actions/github reads GITHUB_API_URL once at import time.
  const octokit = getOctokit(token, { baseUrl: apiUrl.replace(/\/+$/, '') })
  octokit.hook.wrap('request', (request, options) => {
    const method = String(options.method ?? 'GET').toUpperCase()
    const what = `${method} ${String(options.url).replace(/^https?:\/\/[^/]+/, '')}`
    return callWithRetry(
      { what, idempotent: method !== 'POST' },
      async (signal) => {
        // set in place: octokit's request keeps internal state on this per-call options object
        options.request = Object.assign(options.request ?? {}, { signal })
        return request(options)
      },
      policy,
      log
    )
  })
  return octokit
}

/**
 * Whose comments count as ours. The default GITHUB_TOKEN (and any installation token) writes as
 * github-actions[bot]; a personal token writes as its owner, which GET /user tells us. Best effort:
 * when that lookup fails we fall back to the bot login and say so.
 */
async function resolveCommentAuthor(
  octokit: Octokit,
  token: string,
  configured: string | null,
  log: (line: string) => void
): Promise<string> {
  if (configured !== null) return configured
  if (!USER_TOKEN.test(token)) return GITHUB_ACTIONS_BOT.name
  try {
    const { data } = await octokit.rest.users.getAuthenticated()
    return data.login
  } catch (error) {
    // without knowing who we are, a comment could be posted twice: let the caller give up
    if (error instanceof GitHubUnavailableError) throw error
    log(
      `joulegate: could not resolve the token's login (${httpStatus(error) ?? String(error)}); assuming ${GITHUB_ACTIONS_BOT.name}, set comment-author to be sure`
    )
    return GITHUB_ACTIONS_BOT.name
  }
}

/** Every comment of the issue, or null when the list never ended within the page bound. */
async function listAllComments(
  octokit: Octokit,
  params: { owner: string; repo: string; issue_number: number },
  policy: HttpPolicy,
  log: (line: string) => void
): Promise<CommentInfo[] | null> {
  const comments: CommentInfo[] = []
  let pages = 0
  const pager = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    ...params,
    per_page: 100
  })
  for await (const page of pager) {
    comments.push(...(page.data as CommentInfo[]))
    pages += 1
    if (pages >= policy.maxPages && /rel="next"/.test(String(page.headers.link ?? ''))) {
      log(
        `joulegate: the comment list of #${params.issue_number} still links a next page after ${pages} pages; stopped reading it`
      )
      return null
    }
  }
  return comments
}

async function findAndWrite(
  octokit: Octokit,
  req: StickyCommentRequest,
  author: string,
  body: string,
  policy: HttpPolicy,
  log: (line: string) => void
): Promise<StickyCommentResult> {
  const where = { owner: req.owner, repo: req.repo }
  const comments = await listAllComments(
    octokit,
    { ...where, issue_number: req.issueNumber },
    policy,
    log
  )
  const ours = comments === null ? null : selectOwnComment(comments, req.series, author)
  if (ours) {
    const { data } = await octokit.rest.issues.updateComment({
      ...where,
      comment_id: ours.id,
      body
    })
    return { action: 'updated', id: data.id, url: data.html_url, author }
  }
  if (comments === null) {
    // an unread page may hold our comment: a new one would be a duplicate on every run
    return {
      action: 'unavailable',
      status: null,
      rateLimited: false,
      message: `the comment list did not end within ${policy.maxPages} pages, so no new comment was posted`
    }
  }
  const { data } = await octokit.rest.issues.createComment({
    ...where,
    issue_number: req.issueNumber,
    body
  })
  return { action: 'created', id: data.id, url: data.html_url, author }
}

export async function upsertStickyComment(req: StickyCommentRequest): Promise<StickyCommentResult> {
  const log = req.log ?? (() => undefined)
  const policy = req.policy ?? DEFAULT_HTTP_POLICY
  const octokit = createClient(req.token, req.apiUrl, policy, log)
  const body = fitCommentBody(req.body, req.series)
  try {
    const author = await resolveCommentAuthor(octokit, req.token, req.author, log)
    // A create that failed after reaching GitHub may have posted the comment: read the list again
    // (it then finds and updates that comment) rather than posting a second one blindly.
    for (let round = 1; ; round++) {
      try {
        return await findAndWrite(octokit, req, author, body, policy, log)
      } catch (error) {
        if (!(error instanceof GitHubUnavailableError && error.ambiguous)) throw error
        if (round >= policy.attempts) throw error
        log(`joulegate: ${error.message}; reading the comments again before retrying`)
        await waitBeforeRetry(policy, round)
      }
    }
  } catch (error) {
    if (error instanceof GitHubUnavailableError) {
      return {
        action: 'unavailable',
        status: error.status,
        rateLimited: error.rateLimited,
        message: error.message
      }
    }
    const status = httpStatus(error)
    // 403: a fork's read-only token or missing `pull-requests: write`; 404: no access to a private
    // repository looks the same to GitHub. Neither may hide the verdict, so the caller warns.
    if (status === 403 || status === 404) {
      return { action: 'forbidden', status, message: messageOf(error) }
    }
    // 401 (a revoked token), 422 and the like: still only a comment that could not be posted
    if (status !== null) {
      return { action: 'unavailable', status, rateLimited: false, message: messageOf(error) }
    }
    throw error
  }
}

/**
 * The pull request a `report` run comments on must be the one the untrusted run measured: its head
 * commit has to match the workflow_run's head_sha, or a crafted result file could aim the comment
 * at any pull request. Its base commit, read here from GitHub, picks the baseline. Null when it
 * does not exist or cannot be read now (said through `log`).
 */
export async function readPull(
  token: string,
  apiUrl: string,
  owner: string,
  repo: string,
  number: number,
  options: { log?: (line: string) => void; policy?: HttpPolicy } = {}
): Promise<{ headSha: string; baseSha: string | null } | null> {
  const log = options.log ?? (() => undefined)
  const octokit = createClient(token, apiUrl, options.policy ?? DEFAULT_HTTP_POLICY, log)
  try {
    const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: number })
    return { headSha: data.head.sha, baseSha: data.base?.sha ?? null }
  } catch (error) {
    if (httpStatus(error) === 404) return null
    if (error instanceof GitHubUnavailableError) {
      log(`joulegate: could not read pull request #${number}: ${error.message}`)
      return null
    }
    throw error
  }
}
