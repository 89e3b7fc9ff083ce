import { afterEach, describe, expect, it } from '@jest/globals'
import { commentMarker } from '../../src/core/report/comment-selection.js'
import { readPull, upsertStickyComment } from '../../src/action/sticky-comment.js'
import type { HttpPolicy } from '../../src/adapters/github-api.js'
import { renderReport } from '../../src/core/report/render-report.js'
import { judge } from '../../src/core/judge/verdict.js'
import { makeBudget, makeInput, makeMeasurement } from '../core/judge/fixtures.js'
import { startGitHubStub, type GitHubStub, type StubFault } from '../helpers/github-stub.js'

const mark = commentMarker('default')
const person = { login: 'alice', type: 'User' as const }
const otherBot = { login: 'codecov[bot]', type: 'Bot' as const }
const ourBot = { login: 'github-actions[bot]', type: 'Bot' as const }
const tokens = {
  ghs_default: { login: 'github-actions[bot]', type: 'Bot' as const },
  ghs_readonly: { login: 'github-actions[bot]', type: 'Bot' as const, readOnly: true },
  ghp_person: { login: 'joulebot', type: 'User' as const, canReadUser: true }
}

let stub: GitHubStub | null = null
afterEach(async () => {
  await stub?.close()
  stub = null
})

const upsert = (
  s: GitHubStub,
  token: string,
  body: string,
  author: string | null = null,
  series = 'default',
  extra: { log?: (line: string) => void; policy?: HttpPolicy } = {}
) =>
  upsertStickyComment({
    token,
    apiUrl: s.url,
    owner: 'octo',
    repo: 'ml',
    issueNumber: 7,
    series,
    body,
    author,
    ...extra
  })

/** 250 comments over three pages of 100, with impostors quoting the marker on every page. */
function crowd(s: GitHubStub): void {
  for (let i = 0; i < 250; i++) {
    const who = i % 3 === 0 ? person : i % 3 === 1 ? otherBot : ourBot
    const body =
      i === 40 ? `> quoting ${mark}` : i === 130 ? `${mark} codecov mirror` : `comment ${i}`
    s.addComment(7, body, who)
  }
}

const writes = (s: GitHubStub) => s.requests.filter((r) => r.method !== 'GET')

describe('upsertStickyComment against a GitHub stand-in', () => {
  it('pages through every comment and PATCHes only our own old comment', async () => {
    stub = await startGitHubStub({ tokens })
    crowd(stub)
    const ours = stub.addComment(7, `${mark}\nold report`, ourBot)
    for (let i = 0; i < 30; i++) stub.addComment(7, `late ${i}`, person)
    const res = await upsert(stub, 'ghs_default', 'new report')
    expect(res).toMatchObject({ action: 'updated', id: ours.id })
    const pages = stub.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/comments'))
    expect(pages.map((r) => r.query['page'] ?? '1')).toEqual(['1', '2', '3'])
    expect(pages.every((r) => r.query['per_page'] === '100')).toBe(true)
    expect(writes(stub)).toEqual([
      expect.objectContaining({
        method: 'PATCH',
        path: `/repos/octo/ml/issues/comments/${ours.id}`
      })
    ])
    expect(stub.comments(7).find((c) => c.id === ours.id)?.body).toBe(`${mark}\nnew report`)
    expect(
      stub
        .comments(7)
        .filter((c) => c.body.includes('quoting') || c.body.includes('codecov mirror'))
    ).toHaveLength(2)
  })

  it('creates exactly one comment when only others carry the marker', async () => {
    stub = await startGitHubStub({ tokens })
    crowd(stub)
    const before = stub.comments(7).length
    const res = await upsert(stub, 'ghs_default', `${mark}\nfirst report`)
    expect(res).toMatchObject({ action: 'created', author: 'github-actions[bot]' })
    expect(writes(stub)).toEqual([
      expect.objectContaining({ method: 'POST', path: '/repos/octo/ml/issues/7/comments' })
    ])
    expect(stub.comments(7)).toHaveLength(before + 1)
    expect(stub.comments(7).at(-1)?.body).toBe(`${mark}\nfirst report`)
  })

  it('honours a GitHub Enterprise Server API prefix', async () => {
    stub = await startGitHubStub({ tokens, prefix: '/api/v3' })
    crowd(stub)
    const res = await upsert(stub, 'ghs_default', 'report')
    expect(res.action).toBe('created')
    expect(
      stub.requests.filter((r) => r.path.endsWith('/comments') && r.method === 'GET')
    ).toHaveLength(3)
  })

  it('reports a read-only token as forbidden instead of throwing', async () => {
    stub = await startGitHubStub({ tokens })
    crowd(stub)
    const before = stub.comments(7).length
    const res = await upsert(stub, 'ghs_readonly', 'report')
    expect(res).toMatchObject({ action: 'forbidden', status: 403 })
    expect(stub.comments(7)).toHaveLength(before)
  })

  it('resolves a personal token to its owner and leaves the bot comment alone', async () => {
    stub = await startGitHubStub({ tokens })
    const botComment = stub.addComment(7, `${mark}\nbot report`, ourBot)
    const mine = stub.addComment(7, `${mark}\nmy report`, { login: 'joulebot', type: 'User' })
    const res = await upsert(stub, 'ghp_person', 'updated')
    expect(res).toMatchObject({ action: 'updated', id: mine.id, author: 'joulebot' })
    expect(stub.comments(7).find((c) => c.id === botComment.id)?.body).toBe(`${mark}\nbot report`)
  })

  it('uses a configured comment-author without asking who the token is', async () => {
    stub = await startGitHubStub({
      tokens: { ...tokens, ghs_app: { login: 'my-app[bot]', type: 'Bot' } }
    })
    stub.addComment(7, `${mark}\nactions bot`, ourBot)
    const app = stub.addComment(7, `${mark}\napp`, { login: 'my-app[bot]', type: 'Bot' })
    const res = await upsert(stub, 'ghs_app', 'new', 'my-app[bot]')
    expect(res).toMatchObject({ action: 'updated', id: app.id })
    expect(stub.requests.some((r) => r.path === '/user')).toBe(false)
  })

  it('keeps a huge report under the 65,536-character limit', async () => {
    stub = await startGitHubStub({ tokens })
    const res = await upsert(stub, 'ghs_default', 'x'.repeat(300_000))
    expect(res.action).toBe('created')
    const body = stub.comments(7)[0]?.body ?? ''
    expect(body.length).toBeLessThan(65_536)
    expect(body.startsWith(mark)).toBe(true)
  })

  it("a report carrying another series' marker in code spans never takes that series' comment", async () => {
    stub = await startGitHubStub({ tokens })
    // the pull request's training script names a metric and writes a bad metrics line; both
    // reach the report wrapped in backticks
    const hijack = 'x` <!-- joulegate:other --> `y'
    const m = makeMeasurement({ kwh: 0.2, metrics: { [hijack]: 0.5 } })
    m.metricErrors = [`line 2 is not a JSON object: \`${commentMarker('other')}\``]
    const j = judge(
      makeInput({ budget: makeBudget({}), run: { measurement: m, normalization: null } })
    )
    j.notes.push(`Energy versus performance: \`${hijack}\` never improved.`)
    const report = renderReport(j, { marker: 'default' })
    expect(report).not.toContain(commentMarker('other'))
    const defaultComment = await upsert(stub, 'ghs_default', report)
    expect(defaultComment.action).toBe('created')
    const posted = stub.comments(7)[0]!.body
    expect(posted).not.toContain(commentMarker('other'))
    // a comment of ours that merely contains the marker below its first line is not that series'
    const older = stub.addComment(7, `${mark}\nquoted: ${commentMarker('other')}`, ourBot)
    const other = await upsert(stub, 'ghs_default', 'other report', null, 'other')
    expect(other.action).toBe('created')
    expect(stub.comments(7).find((c) => c.id === older.id)?.body).toContain('quoted')
    expect(stub.comments(7)[0]!.body).toBe(posted)
    expect(stub.comments(7).at(-1)!.body).toBe(`${commentMarker('other')}\nother report`)
  })
})

// Short waits so a test of four attempts takes milliseconds; the decisions are the real ones.
const fast: HttpPolicy = {
  timeoutMs: 300,
  attempts: 3,
  baseDelayMs: 2,
  maxWaitMs: 5_000,
  maxPages: 5
}
const COMMENTS = /\/issues\/7\/comments$/

const upsertWith = (s: GitHubStub, lines: string[], policy = fast, token = 'ghs_default') =>
  upsert(s, token, 'report', null, 'default', { log: (line) => lines.push(line), policy })

describe('upsertStickyComment when GitHub or the network misbehaves', () => {
  it.each([
    ['HTTP 500', { status: 500 }],
    ['HTTP 502', { status: 502 }],
    ['HTTP 503', { status: 503 }],
    ['HTTP 504', { status: 504 }],
    ['a reset connection', 'reset' as const],
    ['a request that never answers', 'hang' as const]
  ])('retries a listing that failed with %s, then posts once', async (_name, fault) => {
    stub = await startGitHubStub({ tokens })
    stub.queueFaults('GET', COMMENTS, [fault as StubFault, fault as StubFault])
    const lines: string[] = []
    const res = await upsertWith(stub, lines)
    expect(res.action).toBe('created')
    expect(stub.comments(7)).toHaveLength(1)
    expect(stub.requests.filter((r) => r.method === 'GET')).toHaveLength(3)
    expect(lines.filter((l) => l.includes('retrying in'))).toHaveLength(2)
  })

  it('gives up after the bounded attempts and says GitHub is unavailable, without throwing', async () => {
    stub = await startGitHubStub({ tokens })
    stub.queueFaults('GET', COMMENTS, Array(10).fill({ status: 502 }))
    const res = await upsertWith(stub, [])
    expect(res).toMatchObject({ action: 'unavailable', rateLimited: false, status: 502 })
    expect(res.action === 'unavailable' && res.message).toMatch(
      /HTTP 502; gave up after 3 attempts/
    )
    expect(stub.requests).toHaveLength(3)
    expect(stub.comments(7)).toHaveLength(0)
  })

  it('waits as long as Retry-After says on a 429', async () => {
    stub = await startGitHubStub({ tokens })
    stub.queueFaults('GET', COMMENTS, [{ status: 429, headers: { 'retry-after': '1' } }])
    const lines: string[] = []
    const res = await upsertWith(stub, lines)
    expect(res.action).toBe('created')
    expect(lines).toEqual([expect.stringMatching(/rate limited \(HTTP 429\); retrying in 1 s/)])
  })

  it('reports an exhausted rate limit as rate limited, not as a read-only token', async () => {
    stub = await startGitHubStub({ tokens })
    const reset = String(Math.ceil(Date.now() / 1000) + 3600)
    stub.queueFaults('GET', COMMENTS, [
      {
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
        body: { message: 'API rate limit exceeded for installation ID 1.' }
      }
    ])
    const res = await upsertWith(stub, [])
    expect(res).toMatchObject({ action: 'unavailable', rateLimited: true, status: 403 })
    expect(res.action === 'unavailable' && res.message).toMatch(
      /rate limited \(HTTP 403\); GitHub asks to wait 3[56]\d\d(\.\d)? s, longer than joulegate waits/
    )
    // no pointless retries against a limit that resets in an hour
    expect(stub.requests).toHaveLength(1)
  })

  it('re-reads the comments after a failed create instead of posting blindly', async () => {
    stub = await startGitHubStub({ tokens })
    stub.queueFaults('POST', COMMENTS, [{ status: 502 }])
    const lines: string[] = []
    const res = await upsertWith(stub, lines)
    expect(res.action).toBe('created')
    expect(stub.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'POST'])
    expect(lines).toEqual([expect.stringMatching(/reading the comments again/)])
  })

  it('stops paging a comment list that never ends, and does not post a possible duplicate', async () => {
    stub = await startGitHubStub({ tokens, endlessPages: true })
    stub.addComment(7, 'someone else', person)
    const lines: string[] = []
    const res = await upsertWith(stub, lines)
    expect(res).toMatchObject({ action: 'unavailable' })
    expect(stub.requests).toHaveLength(fast.maxPages)
    expect(lines).toEqual([expect.stringMatching(/still links a next page after 5 pages/)])
    expect(stub.comments(7)).toHaveLength(1)
  })

  it('turns a revoked token (401) into a result, not an exception', async () => {
    stub = await startGitHubStub({ tokens })
    const res = await upsertWith(stub, [], fast, 'ghs_revoked')
    expect(res).toMatchObject({ action: 'unavailable', status: 401 })
  })

  it('reads a pull head through retries, and returns null with a reason when GitHub stays down', async () => {
    stub = await startGitHubStub({ tokens })
    stub.setPull(9, 'abc123')
    stub.queueFaults('GET', /\/pulls\/9$/, ['reset'])
    const lines: string[] = []
    const read = () =>
      readPull('ghs_default', stub!.url, 'octo', 'ml', 9, {
        log: (l) => lines.push(l),
        policy: fast
      }).then((pull) => pull?.headSha ?? null)
    await expect(read()).resolves.toBe('abc123')
    stub.queueFaults('GET', /\/pulls\/9$/, Array(3).fill({ status: 503 }))
    await expect(read()).resolves.toBeNull()
    expect(lines.at(-1)).toMatch(/could not read pull request #9: .*HTTP 503; gave up after 3/)
  })
})
