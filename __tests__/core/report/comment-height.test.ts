/// <reference lib="dom" />
// (the DOM types are for the functions that run inside the page)
// The PR comment as a reviewer sees it: its GitHub-flavoured markdown rendered to HTML, styled
// like a comment on github.com and laid out by Debian's Chromium. Folded, the whole comment must
// fit in about one screen (600 px at 1000 px wide), so the verdict, the change and the limit are
// read without scrolling; the details stay one click away.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { marked } from 'marked'
import { chromium, type Browser, type Page } from 'playwright-core'
import { renderCheckResult } from '../../../src/usecases/result-file.js'
import { CHROMIUM_ARGS, CHROMIUM_MISSING, findChromium } from '../../helpers/chromium.js'
import { makeCheckResult, SCENARIOS } from './scenarios.js'

const executablePath = findChromium()
const underCi = process.env.CI === 'true'
const OUT_DIR = path.resolve('build/test-output')
const MAX_FOLDED_PX = 600
const CHECKED = ['fail', 'pass', 'inconclusive', 'estimate-only', 'normalised'] as const

if (!executablePath && !underCi)
  process.stderr.write(`comment height test skipped: ${CHROMIUM_MISSING}\n`)

// github.com's markdown styles for a comment body (github-markdown-css, light theme): the
// properties that decide the height a reviewer scrolls through
const GITHUB_COMMENT_CSS = `
  body { margin: 0; background: #fff; }
  .comment-body {
    box-sizing: border-box; width: 100%; padding: 16px; border: 1px solid #d0d7de;
    border-radius: 6px; color: #1f2328; word-wrap: break-word;
    font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial,
      sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
    font-size: 14px; line-height: 1.5;
  }
  .comment-body > *:first-child { margin-top: 0 !important; }
  .comment-body > *:last-child { margin-bottom: 0 !important; }
  p, blockquote, ul, ol, dl, table, pre, details { margin-top: 0; margin-bottom: 16px; }
  ul, ol { padding-left: 2em; }
  li + li { margin-top: 0.25em; }
  hr { height: 0.25em; padding: 0; margin: 24px 0; background: #d0d7de; border: 0; }
  strong, th { font-weight: 600; }
  summary { display: list-item; cursor: pointer; }
  table {
    border-spacing: 0; border-collapse: collapse; display: block; width: max-content;
    max-width: 100%; overflow: auto;
  }
  th, td { padding: 6px 13px; border: 1px solid #d0d7de; }
  tr { background: #fff; border-top: 1px solid #d8dee4; }
  tr:nth-child(2n) { background: #f6f8fa; }
  code {
    padding: 0.2em 0.4em; margin: 0; font-size: 85%; white-space: break-spaces;
    background: rgba(175, 184, 193, 0.2); border-radius: 6px;
    font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono",
      monospace;
  }
  pre { padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45; background: #f6f8fa;
    border-radius: 6px; }
  pre code { padding: 0; background: transparent; }
`

/** The comment `report` posts for a scenario, as the HTML page GitHub would show. */
function renderCommentPage(scenario: string): string {
  const markdown = renderCheckResult(makeCheckResult(SCENARIOS[scenario]!)).report
  const body = marked.parse(markdown, { gfm: true, async: false })
  return `<!doctype html><html><head><meta charset="utf-8"><style>${GITHUB_COMMENT_CSS}</style>
</head><body><div class="comment-body">${body}</div></body></html>`
}

describe('PR comment height in Chromium', () => {
  if (!executablePath) {
    // under CI a missing browser is a failure: the comment's height would go unchecked
    ;(underCi ? it : it.skip)('needs Chromium', () => {
      throw new Error(`${CHROMIUM_MISSING}; CI=true, so the comment height cannot go unchecked`)
    })
    return
  }

  let browser: Browser
  let page: Page
  const heights: Record<string, { folded: number; open: number }> = {}
  const errors: string[] = []

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true })
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS })
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } })
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`))
    // the comment stands alone: any request (an image, a font) would change what is measured
    await page.route(/^(?!data:|about:)/, (route) => {
      errors.push(`network request: ${route.request().url()}`)
      return route.abort()
    })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    if (Object.keys(heights).length > 0)
      writeFileSync(
        path.join(OUT_DIR, 'comment-heights.json'),
        JSON.stringify(heights, null, 2) + '\n'
      )
  })

  const measureComment = async (): Promise<number> =>
    (await page.locator('.comment-body').boundingBox())!.height

  it.each(CHECKED)('folds the %s comment into at most 600 px', async (scenario) => {
    await page.setContent(renderCommentPage(scenario), { waitUntil: 'load' })
    // the page is the rendered markdown: one verdict line, the compact table, folded details
    expect(await page.$$eval('details', (ds) => ds.filter((d) => d.open).length)).toBe(0)
    expect(await page.$$('details')).not.toHaveLength(0)
    expect(await page.$$('.comment-body > table')).toHaveLength(1)

    const folded = await measureComment()
    const shot = path.join(OUT_DIR, `comment-${scenario}.png`)
    await page.locator('.comment-body').screenshot({ path: shot })
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG')

    // opening every fold shows what it hid: the height check measures folding, not an empty page
    await page.$$eval('details', (ds) => ds.forEach((d) => (d.open = true)))
    const open = await measureComment()
    await page
      .locator('.comment-body')
      .screenshot({ path: path.join(OUT_DIR, `comment-${scenario}-open.png`) })
    heights[scenario] = { folded: Math.round(folded), open: Math.round(open) }

    expect(folded).toBeGreaterThan(100)
    expect(folded).toBeLessThanOrEqual(MAX_FOLDED_PX)
    expect(open).toBeGreaterThan(folded + 200)
    expect(errors).toEqual([])
    if (scenario === 'fail' && process.env.UPDATE_SCREENSHOTS === '1')
      copyFileSync(shot, path.resolve('docs/comment.png'))
  })
})
