import { describe, expect, it } from '@jest/globals'
import {
  COMMENT_LIMIT,
  commentMarker,
  fitCommentBody,
  selectOwnComment,
  type CommentInfo
} from '../../src/core/report/comment-selection.js'

const bot = { login: 'github-actions[bot]', type: 'Bot' }
const person = { login: 'alice', type: 'User' }
const otherBot = { login: 'codecov[bot]', type: 'Bot' }
const mark = commentMarker('default')
const c = (
  id: number,
  user: CommentInfo['user'],
  body: string | null,
  at?: string
): CommentInfo => ({ id, user, body, ...(at ? { created_at: at } : {}) })

describe('selectOwnComment', () => {
  it.each([
    { name: 'no comments', comments: [], author: bot.login, want: null },
    {
      name: 'ours',
      comments: [c(1, person, 'hi'), c(2, bot, `${mark}\nreport`)],
      author: bot.login,
      want: 2
    },
    {
      name: "ours, but the marker is only below the first line (another series' text)",
      comments: [c(1, bot, `${commentMarker('other')}\nmetric \`${mark}\``)],
      author: bot.login,
      want: null
    },
    {
      name: 'ours, marker followed by other text on the first line',
      comments: [c(1, bot, `${mark} and more`)],
      author: bot.login,
      want: null
    },
    {
      name: 'ours, written with CRLF',
      comments: [c(1, bot, `${mark}\r\nreport`)],
      author: bot.login,
      want: 1
    },
    {
      name: 'a person quoting the marker',
      comments: [c(1, person, `> ${mark}`)],
      author: bot.login,
      want: null
    },
    {
      name: 'another bot carrying the marker',
      comments: [c(1, otherBot, mark)],
      author: bot.login,
      want: null
    },
    {
      name: 'our bot without the marker',
      comments: [c(1, bot, 'deploy preview ready')],
      author: bot.login,
      want: null
    },
    {
      name: 'another series',
      comments: [c(1, bot, commentMarker('gpu-a40'))],
      author: bot.login,
      want: null
    },
    {
      name: 'a prefix of the series is not the series',
      comments: [c(1, bot, commentMarker('default-gpu'))],
      author: bot.login,
      want: null
    },
    {
      name: 'login compared case-insensitively',
      comments: [c(1, { login: 'GitHub-Actions[bot]' }, mark)],
      author: bot.login,
      want: 1
    },
    {
      name: 'configured author',
      comments: [c(1, bot, mark), c(2, { login: 'my-app[bot]' }, mark)],
      author: 'my-app[bot]',
      want: 2
    },
    {
      name: 'deleted user (null) is never ours',
      comments: [c(1, null, mark)],
      author: bot.login,
      want: null
    },
    { name: 'null body', comments: [c(1, bot, null)], author: bot.login, want: null },
    {
      name: 'duplicates: the oldest keeps its place',
      comments: [
        c(9, bot, mark, '2026-02-02T00:00:00Z'),
        c(3, bot, mark, '2026-02-03T00:00:00Z'),
        c(7, bot, mark, '2026-02-01T00:00:00Z')
      ],
      author: bot.login,
      want: 7
    },
    {
      name: 'duplicates without dates: lowest id',
      comments: [c(9, bot, mark), c(4, bot, mark)],
      author: bot.login,
      want: 4
    }
  ])('$name', ({ comments, author, want }) => {
    expect(selectOwnComment(comments, 'default', author)?.id ?? null).toBe(want)
  })
})

describe('fitCommentBody', () => {
  it.each([
    { name: 'short report without marker', report: '## Energy\nok', limit: COMMENT_LIMIT },
    {
      name: 'short report with marker inside',
      report: `## Energy\n${mark}\nok`,
      limit: COMMENT_LIMIT
    },
    { name: 'long report', report: `${mark}\n${'x'.repeat(200_000)}`, limit: COMMENT_LIMIT },
    {
      name: 'long report, marker at the end',
      report: `${'y'.repeat(100_000)}\n${mark}`,
      limit: COMMENT_LIMIT
    },
    { name: 'tiny limit', report: 'z'.repeat(5000), limit: 1000 }
  ])('$name: keeps the marker and the limit', ({ report, limit }) => {
    const body = fitCommentBody(report, 'default', limit)
    expect(body.split('\n')[0]).toBe(mark)
    expect(body.length).toBeLessThanOrEqual(limit)
    expect(body.length).toBeLessThan(65_536)
    if (report.length + mark.length + 1 <= limit) expect(body).toContain(report)
    else expect(body).toMatch(/report cut/)
  })
})
