// The history dashboard from a store: every series' records and every runner's calibration log
// read, turned into the page's data and rendered. The CLI writes the page to a folder; the
// action's record and calibrate modes put it under dashboard/ of the data branch in the same
// commit as the new record or calibration, so the published page never lags the history.
import { viewStoreFiles, type StoreFiles } from '../adapters/store/store.js'
import { readChartAssets } from '../adapters/uplot-assets.js'
import { UsageError } from '../core/errors.js'
import { describeSkippedLines } from '../core/history/history.js'
import { validateSeriesName } from '../core/series-name.js'
import { buildDashboardData, type DashboardData } from '../core/report/dashboard/dashboard-data.js'
import { renderDashboard, type ChartAssets } from '../core/report/dashboard/render-dashboard.js'
import type { Calibration, HistoryRecord } from '../core/types.js'

/** Where the action keeps the page on the data branch (GitHub Pages serves it from there). */
const DASHBOARD_DIR = 'dashboard'

/** What the dashboard reads of a store; every HistoryStore is one. */
interface DashboardSource {
  readonly description: string
  listSeries(): Promise<string[]>
  readHistory(series: string): Promise<HistoryRecord[]>
  readCalibrationLog(fingerprint: string): Promise<Calibration[]>
  /** fingerprints with a calibration log; without it, those the records name */
  listCalibrations?(): Promise<string[]>
}

interface DashboardOptions {
  /** web address of the repository, for commit links (see toRepositoryUrl) */
  repoUrl: string | null
  /** only these series (default every series of the store) */
  series?: readonly string[]
  now?: Date
  assets?: ChartAssets
}

interface DashboardSite {
  /** file name (relative to the site's folder) to content */
  files: Record<string, string>
  data: DashboardData
}

function fingerprintsOf(history: { records: readonly HistoryRecord[] }[]): string[] {
  const seen = new Set<string>()
  for (const { records } of history) {
    for (const r of records) {
      if (r.calibrationFingerprint) seen.add(r.calibrationFingerprint)
      if (r.measurement.host?.fingerprint) seen.add(r.measurement.host.fingerprint)
    }
  }
  return [...seen]
}

async function readCalibrationsSafely(
  source: DashboardSource,
  fingerprint: string,
  notes: string[]
): Promise<Calibration[]> {
  try {
    const log = await source.readCalibrationLog(fingerprint)
    notes.push(...describeSkippedLines(log))
    return log
  } catch (error) {
    // a fingerprint that is not a valid file name (an old record) has no log to read
    if (error instanceof UsageError) return []
    throw error
  }
}

export async function buildDashboardSite(
  source: DashboardSource,
  options: DashboardOptions
): Promise<DashboardSite> {
  const available = await source.listSeries()
  let names = available
  if (options.series && options.series.length > 0) {
    for (const name of options.series) {
      validateSeriesName(name, '--series')
      if (!available.includes(name))
        throw new UsageError(
          `--series: no series "${name}" in ${source.description}; expected one of: ${available.join(', ') || '(none yet)'}`
        )
    }
    names = [...options.series]
  }
  const notes: string[] = []
  const history = []
  for (const series of names) {
    const records = await source.readHistory(series)
    notes.push(...describeSkippedLines(records))
    history.push({ series, records })
  }
  const fingerprints = source.listCalibrations
    ? await source.listCalibrations()
    : fingerprintsOf(history)
  const calibrations = []
  for (const fingerprint of fingerprints.sort()) {
    calibrations.push({
      fingerprint,
      log: await readCalibrationsSafely(source, fingerprint, notes)
    })
  }
  const data = buildDashboardData({
    history,
    calibrations,
    repoUrl: options.repoUrl,
    generatedAt: (options.now ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z'),
    notes
  })
  const assets = options.assets ?? (await readChartAssets())
  return { files: { 'index.html': renderDashboard(data, assets) }, data }
}

/**
 * The dashboard files for the data branch, computed from the tree the write is about to commit:
 * the page always shows the record it was written with.
 */
export function dashboardForTree(
  options: Omit<DashboardOptions, 'series'> & { description: string }
): (tree: StoreFiles) => Promise<Record<string, string>> {
  return async (tree) => {
    const site = await buildDashboardSite(viewStoreFiles(tree, options.description), options)
    return Object.fromEntries(
      Object.entries(site.files).map(([name, text]) => [`${DASHBOARD_DIR}/${name}`, text])
    )
  }
}
