import { afterEach, describe, expect, it } from '@jest/globals'
import { commentMarker } from '../../src/core/comment-selection.js'
import { upsertStickyComment } from '../../src/action/sticky-comment.js'
import { renderReport } from '../../src/core/report/render-report.js'
import { judge } from '../../src/core/verdict.js'
import { makeBudget, makeInput, makeMeasurement } from '../verdict/fixtures.js'
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js'

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
  series = 'default'
) =>
  upsertStickyComment({
    token,
    apiUrl: s.url,
    owner: 'octo',
    repo: 'ml',
    issueNumber: 7,
    series,
    body,
    author
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
