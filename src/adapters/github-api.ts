// How joulegate talks to GitHub's REST API from a CI runner: every request has a deadline, a
// transient failure (5xx, a reset connection, a request that never answers) is retried a bounded
// number of times with exponential backoff and jitter, and a rate limit is reported as one, with
// GitHub's own Retry-After / x-ratelimit-reset honoured. The HTTP client itself (octokit, which
// carries the runner's proxy settings) stays in src/action; this module only decides and waits.

export interface HttpPolicy {
  /** one attempt of one request, headers and body, in milliseconds */
  timeoutMs: number
  /** tries per request, the first included */
  attempts: number
  /** the first backoff wait; doubled on each retry, then jittered */
  baseDelayMs: number
  /** the longest wait accepted; a Retry-After or rate-limit reset further away gives up at once */
  maxWaitMs: number
  /** pages of a list read before stopping: a proxy or server that links `next` forever */
  maxPages: number
}

export const DEFAULT_HTTP_POLICY: HttpPolicy = {
  timeoutMs: 30_000,
  attempts: 4,
  baseDelayMs: 1_000,
  maxWaitMs: 60_000,
  maxPages: 100
}

/** GitHub could not be reached or would not answer now; nothing about the token's permissions. */
export class GitHubUnavailableError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly rateLimited: boolean,
    /** a write that may have reached GitHub before the failure (its effect is unknown) */
    readonly ambiguous: boolean
  ) {
    super(message)
    this.name = 'GitHubUnavailableError'
  }
}

interface FailedCall {
  status?: unknown
  message?: unknown
  response?: { headers?: Record<string, string | number | undefined> }
}

type Decision =
  { kind: 'give-up' } | { kind: 'retry'; rateLimited: boolean; waitMs: number | null; why: string }

const TRANSIENT = new Set([500, 502, 503, 504])
/** GitHub's advice for a secondary rate limit that names no Retry-After: wait a minute. */
const SECONDARY_LIMIT_WAIT_MS = 60_000

function header(error: FailedCall, name: string): string | null {
  const v = error.response?.headers?.[name]
  return v === undefined ? null : String(v)
}

/** Retry-After is seconds or an HTTP date. */
function retryAfterMs(value: string | null, now: number): number | null {
  if (value === null) return null
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isFinite(at) ? Math.max(0, at - now) : null
}

function decide(error: unknown, timedOut: boolean, now: number): Decision {
  if (timedOut) return { kind: 'retry', rateLimited: false, waitMs: null, why: 'no answer in time' }
  const e = (error ?? {}) as FailedCall
  const status = typeof e.status === 'number' ? e.status : null
  const after = retryAfterMs(header(e, 'retry-after'), now)
  const remaining = header(e, 'x-ratelimit-remaining')
  const reset = Number(header(e, 'x-ratelimit-reset'))
  if (status === 403 || status === 429) {
    if (remaining === '0') {
      const waitMs = Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : after
      return { kind: 'retry', rateLimited: true, waitMs, why: `rate limited (HTTP ${status})` }
    }
    const secondary = /rate limit/i.test(String(e.message ?? ''))
    if (status === 429 || after !== null || secondary) {
      const waitMs = after ?? (secondary ? SECONDARY_LIMIT_WAIT_MS : null)
      return { kind: 'retry', rateLimited: true, waitMs, why: `rate limited (HTTP ${status})` }
    }
    return { kind: 'give-up' }
  }
  // octokit reports a connection that failed (reset, refused, closed early) as status 500 with no
  // response; a real 5xx carries one
  if (status !== null && TRANSIENT.has(status)) {
    const why = e.response ? `HTTP ${status}` : `connection failed (${String(e.message)})`
    return { kind: 'retry', rateLimited: false, waitMs: after, why }
  }
  return { kind: 'give-up' }
}

/** Exponential backoff with jitter (half fixed, half random) so parallel jobs spread out. */
function backoffMs(policy: HttpPolicy, attempt: number): number {
  const full = policy.baseDelayMs * 2 ** (attempt - 1)
  return Math.round(full / 2 + Math.random() * (full / 2))
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`

interface CallDescription {
  /** "GET /repos/o/r/issues/7/comments", for messages */
  what: string
  /** false for POST: a request that failed after reaching GitHub may have taken effect */
  idempotent: boolean
}

/**
 * Runs `send` (one HTTP request, given a signal that aborts it at the deadline) under the policy.
 * Throws GitHubUnavailableError when transient failures outlast the attempts or a rate limit
 * resets later than the policy waits; any other failure (401, 403, 404, 422) is rethrown as is.
 */
export async function callWithRetry<T>(
  call: CallDescription,
  send: (signal: AbortSignal) => Promise<T>,
  policy: HttpPolicy,
  log: (line: string) => void
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const signal = AbortSignal.timeout(policy.timeoutMs)
    try {
      return await send(signal)
    } catch (error) {
      const decision = decide(error, signal.aborted, Date.now())
      if (decision.kind === 'give-up') throw error
      const status = signal.aborted ? null : ((error as FailedCall).status as number | undefined)
      const why = signal.aborted ? `no answer within ${seconds(policy.timeoutMs)}` : decision.why
      const fail = (detail: string, ambiguous = false): GitHubUnavailableError =>
        new GitHubUnavailableError(
          `${call.what}: ${why}; ${detail}`,
          status ?? null,
          decision.rateLimited,
          ambiguous
        )
      // a rate-limited request was refused before GitHub acted on it; anything else may have
      // reached it, so a write is not repeated blindly (the caller re-reads and decides)
      if (!call.idempotent && !decision.rateLimited) throw fail('not repeated blindly', true)
      const waitMs = decision.waitMs ?? backoffMs(policy, attempt)
      if (waitMs > policy.maxWaitMs)
        throw fail(
          `GitHub asks to wait ${seconds(waitMs)}, longer than joulegate waits (${seconds(policy.maxWaitMs)})`
        )
      if (attempt >= policy.attempts) throw fail(`gave up after ${attempt} attempts`)
      log(
        `joulegate: ${call.what}: ${why}; retrying in ${seconds(waitMs)} (attempt ${attempt + 1} of ${policy.attempts})`
      )
      await sleep(waitMs)
    }
  }
}

/** Waits before the caller repeats a higher-level step (e.g. re-reading before a write). */
export function waitBeforeRetry(policy: HttpPolicy, attempt: number): Promise<void> {
  return sleep(Math.min(policy.maxWaitMs, backoffMs(policy, attempt)))
}
