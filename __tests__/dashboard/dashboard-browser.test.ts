/// <reference lib="dom" />
// (the DOM types are for the functions that run inside the page)
// The dashboard in a real browser: Debian's Chromium loads the page `joulegate dashboard` wrote
// from a fixture store, draws the charts with the inlined uPlot, and switches series.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { main } from '../../src/cli/main.js'
import { findParetoFront } from '../../src/core/report/dashboard/dashboard-data.js'
import { CHROMIUM_ARGS, CHROMIUM_MISSING, findChromium } from '../helpers/chromium.js'
import {
  HOSTILE_BRANCH,
  writeDashboardStore,
  type FixtureCounts
} from '../helpers/dashboard-fixture.js'

const executablePath = findChromium()
const underCi = process.env.CI === 'true'
const SHOT = path.resolve('build/test-output/dashboard.png')
const PER_RUNNER = 24

if (!executablePath && !underCi)
  process.stderr.write(`dashboard browser test skipped: ${CHROMIUM_MISSING}\n`)

describe('dashboard in Chromium', () => {
  if (!executablePath) {
    // under CI a missing browser is a failure: the page would ship untested
    ;(underCi ? it : it.skip)('needs Chromium', () => {
      throw new Error(`${CHROMIUM_MISSING}; CI=true, so the dashboard cannot go untested`)
    })
    return
  }

  let dir: string
  let page: Page
  let browser: Browser
  let counts: FixtureCounts
  let html: string
  const stderr: string[] = []

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'joulegate-dashboard-'))
    counts = await writeDashboardStore(path.join(dir, 'store'), PER_RUNNER)
    const out: string[] = []
    const code = await main(
      [
        'dashboard',
        '--store',
        path.join(dir, 'store'),
        '--out',
        path.join(dir, 'site'),
        '--repo-url',
        'https://github.com/acme/sed'
      ],
      { out: (t) => void out.push(t), err: (t) => void stderr.push(t), isTty: false }
    )
    expect({ code, stderr }).toEqual({ code: 0, stderr: [] })
    expect(out.join('')).toContain(`(${4 * PER_RUNNER} records, 2 series`)
    html = path.join(dir, 'site', 'index.html')
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS })
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
    page.on('pageerror', (e) => stderr.push(`page error: ${e.message}`))
    // offline: any request beyond the file itself fails the test below
    await page.route(/^(?!file:)/, (route) => {
      stderr.push(`network request: ${route.request().url()}`)
      return route.abort()
    })
    await page.goto(pathToFileURL(html).href)
    await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const figures = (): Promise<{ chart: string; points: number; runner: string | null }[]> =>
    page.$$eval('#charts figure.chart, #drift figure.chart', (fs) =>
      fs.map((f) => ({
        chart: (f as HTMLElement).dataset.chart ?? '',
        points: Number((f as HTMLElement).dataset.points),
        runner: (f.closest('section.runner') as HTMLElement | null)?.dataset.runner ?? null
      }))
    )

  it('draws every record of the first series, per runner, and each runner’s calibrations', async () => {
    expect(await page.$eval('#series', (s) => (s as HTMLSelectElement).value)).toBe('kws-tiny')
    const figs = await figures()
    const runners = Object.keys(counts.records['kws-tiny'])
    const byRunner = (chart: string) =>
      Object.fromEntries(figs.filter((f) => f.chart === chart).map((f) => [f.runner, f.points]))
    expect(byRunner('energy')).toEqual(Object.fromEntries(runners.map((r) => [r, PER_RUNNER])))
    // psds1 and loss are charted; planned_epochs is a reserved key, never a metric
    expect(figs.filter((f) => f.chart === 'metric')).toHaveLength(2 * runners.length)
    expect(figs.filter((f) => f.chart === 'scatter')).toHaveLength(2 * runners.length)
    expect(figs.filter((f) => f.chart === 'drift').map((f) => f.points)).toEqual(
      Object.values(counts.calibrations)
    )
    expect(stderr).toEqual([])
  })

  it('puts ink on every canvas (the inlined uPlot ran)', async () => {
    const inked = await page.$$eval('canvas', (cs) =>
      cs.map((c) => {
        const ctx = (c as HTMLCanvasElement).getContext('2d')!
        const d = ctx.getImageData(
          0,
          0,
          (c as HTMLCanvasElement).width,
          (c as HTMLCanvasElement).height
        ).data
        let n = 0
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++
        return n
      })
    )
    expect(inked.length).toBeGreaterThan(0)
    expect(inked.every((n) => n > 100)).toBe(true)
  })

  it('switches series from the select, with the normalised band where records have one', async () => {
    await page.selectOption('#series', 'sed-crnn')
    await page.waitForSelector('#charts[data-series="sed-crnn"]')
    const series = await page.evaluate(() =>
      (
        window as unknown as {
          joulegateDashboard: {
            charts: { series: { label?: string }[]; data: (number | null)[][] }[]
          }
        }
      ).joulegateDashboard.charts.map((u) => ({
        labels: u.series.map((s) => s.label ?? ''),
        nonNull: u.data.map((col) => col.filter((v) => v !== null).length)
      }))
    )
    const energy = series.filter((s) => s.labels.includes('measured'))
    // the A40 runner is normalised (time, measured, normalised, low, high); the H100 is not
    expect(energy.map((s) => s.nonNull)).toEqual([
      [PER_RUNNER, PER_RUNNER, PER_RUNNER, PER_RUNNER, PER_RUNNER],
      [PER_RUNNER, PER_RUNNER]
    ])
    expect(await page.evaluate(() => location.hash)).toBe('#sed-crnn')
  })

  it('names the commit under the cursor', async () => {
    const over = page.locator('figure[data-chart="energy"] .u-over').first()
    await over.hover()
    const legend = await page
      .locator('figure[data-chart="energy"] .u-legend .u-series')
      .first()
      .textContent()
    expect(legend).toMatch(/commit[^0-9a-f]*[0-9a-f]{7} · 2026-01-0\d \d\d:\d\d/)
  })

  it('joins exactly the Pareto front of each scatter', async () => {
    const scatters = await page.evaluate(() =>
      (
        window as unknown as {
          joulegateDashboard: {
            charts: { series: { label?: string }[]; data: (number | null)[][] }[]
          }
        }
      ).joulegateDashboard.charts
        .filter((u) => u.series.some((s) => s.label === 'Pareto front'))
        .map((u) => ({ metric: u.series[1].label ?? '', data: u.data }))
    )
    expect(scatters.length).toBe(4)
    for (const s of scatters) {
      const [x, y, front] = s.data as [number[], number[], (number | null)[]]
      const expected = findParetoFront(x, y, s.metric === 'loss' ? 'lower' : 'higher')
      expect(front.flatMap((v, i) => (v === null ? [] : [i]))).toEqual(expected)
      expect(expected.length).toBeGreaterThan(0)
    }
  })

  it('shows record text as text and links verdicts to their commits', async () => {
    expect(
      await page.evaluate(() => (window as unknown as { __owned?: number }).__owned)
    ).toBeUndefined()
    expect(await page.$$('#verdicts img')).toHaveLength(0)
    expect(await page.textContent('#verdicts')).toContain(HOSTILE_BRANCH)
    const link = await page.$eval('#verdicts a', (a) => (a as HTMLAnchorElement).href)
    expect(link).toMatch(/^https:\/\/github\.com\/acme\/sed\/commit\/[0-9a-f]{40}$/)
    expect(await page.$$eval('#verdicts tbody tr', (rows) => rows.length)).toBe(30)
  })

  it('fits a phone screen: no sideways scrolling of the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.waitForTimeout(300) // the resize handler waits 100 ms before redrawing
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      canvas: Math.max(
        ...[...document.querySelectorAll('canvas')].map((c) => c.getBoundingClientRect().right)
      )
    }))
    expect(widths.page).toBeLessThanOrEqual(390)
    expect(widths.canvas).toBeLessThanOrEqual(390)
    await page.setViewportSize({ width: 1200, height: 900 })
    await page.waitForTimeout(300)
  })

  it('saves a screenshot of a store with ordinary branch names', async () => {
    // the hostile branch names above test escaping; the picture shows what a team's store looks like
    const store = path.join(dir, 'clean-store')
    const site = path.join(dir, 'clean-site')
    await writeDashboardStore(store, PER_RUNNER, { realisticBranches: true })
    const code = await main(
      ['dashboard', '--store', store, '--out', site, '--repo-url', 'https://github.com/acme/sed'],
      { out: () => undefined, err: (t) => void stderr.push(t), isTty: false }
    )
    expect({ code, stderr }).toEqual({ code: 0, stderr: [] })
    const clean = await browser.newPage({ viewport: { width: 1200, height: 900 } })
    clean.on('pageerror', (e) => stderr.push(`page error: ${e.message}`))
    await clean.route(/^(?!file:)/, (route) => route.abort())
    // the normalised series, so the picture shows the interval band
    await clean.goto(`${pathToFileURL(path.join(site, 'index.html')).href}#sed-crnn`)
    await clean.waitForSelector('#charts[data-series="sed-crnn"]', { timeout: 10_000 })
    expect(await clean.textContent('body')).not.toContain('<img')
    expect(await clean.textContent('#verdicts')).toContain('specaugment-mixup')
    mkdirSync(path.dirname(SHOT), { recursive: true })
    await clean.screenshot({ path: SHOT })
    await clean.close()
    expect(readFileSync(SHOT).subarray(1, 4).toString()).toBe('PNG')
    expect(stderr).toEqual([])
    if (process.env.UPDATE_SCREENSHOTS === '1')
      copyFileSync(SHOT, path.resolve('docs/dashboard.png'))
  })
})
