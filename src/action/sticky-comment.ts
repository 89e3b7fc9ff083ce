// One sticky comment per pull request and series, through the REST API only: page through every
// comment, pick ours (marker AND our identity, see core/comment-selection), PATCH it, else POST.
import { getOctokit } from '@actions/github'
import {
  DEFAULT_BOT_LOGIN,
  fitCommentBody,
  selectOwnComment,
  type CommentInfo
} from '../core/comment-selection.js'

export interface StickyCommentRequest {
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
}

export type StickyCommentResult =
  | { action: 'created' | 'updated'; id: number; url: string; author: string }
  | { action: 'forbidden'; status: number; message: string }

type Octokit = ReturnType<typeof getOctokit>

/** Tokens that belong to a person (classic and fine-grained PATs, OAuth, user-to-server). */
const USER_TOKEN = /^(ghp_|github_pat_|gho_|ghu_)/

function httpStatus(error: unknown): number | null {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : null
}

/**
 * Whose comments count as ours. The default GITHUB_TOKEN (and any installation token) writes as
 * github-actions[bot]; a personal token writes as its owner, which GET /user tells us. Best effort:
 * when that lookup fails we fall back to the bot login and say so.
 */
export async function resolveCommentAuthor(
  octokit: Octokit,
  token: string,
  configured: string | null,
  log: (line: string) => void
): Promise<string> {
  if (configured !== null) return configured
  if (!USER_TOKEN.test(token)) return DEFAULT_BOT_LOGIN
  try {
    const { data } = await octokit.rest.users.getAuthenticated()
    return data.login
  } catch (error) {
    log(
      `joulegate: could not resolve the token's login (${httpStatus(error) ?? String(error)}); assuming ${DEFAULT_BOT_LOGIN}, set comment-author to be sure`
    )
    return DEFAULT_BOT_LOGIN
  }
}

export async function upsertStickyComment(req: StickyCommentRequest): Promise<StickyCommentResult> {
  const log = req.log ?? (() => undefined)
  // baseUrl passed explicitly: @actions/github reads GITHUB_API_URL once at import time.
  const octokit = getOctokit(req.token, { baseUrl: req.apiUrl.replace(/\/+$/, '') })
  const where = { owner: req.owner, repo: req.repo }
  const body = fitCommentBody(req.body, req.series)
  try {
    const author = await resolveCommentAuthor(octokit, req.token, req.author, log)
    const comments: CommentInfo[] = await octokit.paginate(octokit.rest.issues.listComments, {
      ...where,
      issue_number: req.issueNumber,
      per_page: 100
    })
    const ours = selectOwnComment(comments, req.series, author)
    if (ours) {
      const { data } = await octokit.rest.issues.updateComment({
        ...where,
        comment_id: ours.id,
        body
      })
      return { action: 'updated', id: data.id, url: data.html_url, author }
    }
    const { data } = await octokit.rest.issues.createComment({
      ...where,
      issue_number: req.issueNumber,
      body
    })
    return { action: 'created', id: data.id, url: data.html_url, author }
  } catch (error) {
    const status = httpStatus(error)
    // 403: a fork's read-only token or missing `pull-requests: write`; 404: no access to a private
    // repository looks the same to GitHub. Neither may hide the verdict, so the caller warns.
    if (status === 403 || status === 404) {
      return {
        action: 'forbidden',
        status,
        message: error instanceof Error ? error.message : String(error)
      }
    }
    throw error
  }
}

/**
 * The pull request a `report` run comments on must be the one the untrusted run measured: its head
 * commit has to match the workflow_run's head_sha, or a crafted result file could aim the comment
 * at any pull request. Its base commit, read here from GitHub, picks the baseline.
 */
export async function readPull(
  token: string,
  apiUrl: string,
  owner: string,
  repo: string,
  number: number
): Promise<{ headSha: string; baseSha: string | null } | null> {
  const octokit = getOctokit(token, { baseUrl: apiUrl.replace(/\/+$/, '') })
  try {
    const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: number })
    return { headSha: data.head.sha, baseSha: data.base?.sha ?? null }
  } catch (error) {
    if (httpStatus(error) === 404) return null
    throw error
  }
}
