// uPlot's browser build and stylesheet, inlined into the dashboard page so it works offline. From
// the sources (tests, tsx) they are read from node_modules; the bundle replaces this module with
// one holding the files' text (rollup.config.js), so `node dist/cli.js` needs no node_modules.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { ChartAssets } from '../core/report/dashboard/render-dashboard.js'

export async function readChartAssets(): Promise<ChartAssets> {
  const require = createRequire(import.meta.url)
  const dir = path.dirname(require.resolve('uplot/package.json'))
  const [js, css, pkg] = await Promise.all([
    readFile(path.join(dir, 'dist', 'uPlot.iife.min.js'), 'utf8'),
    readFile(path.join(dir, 'dist', 'uPlot.min.css'), 'utf8'),
    readFile(path.join(dir, 'package.json'), 'utf8')
  ])
  return { js, css, version: (JSON.parse(pkg) as { version: string }).version }
}
