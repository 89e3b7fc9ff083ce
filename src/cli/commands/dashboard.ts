// joulegate dashboard [--out DIR] [--series NAME ...] [--store DIR | --data-branch BRANCH]
import { mkdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { DEFAULT_STORE_DIR, FolderStore } from '../../adapters/folder-store.js'
import { GitDataBranchStore } from '../../adapters/git-data-branch.js'
import { resolveRemoteUrl } from '../../adapters/git.js'
import type { HistoryStore } from '../../adapters/store.js'
import { UsageError, describeBadValue } from '../../core/errors.js'
import { toRepositoryUrl } from '../../core/report/dashboard/repository-url.js'
import { buildDashboardSite } from '../../pipeline/dashboard.js'
import { parseFlags, stringFlag, stringFlags } from '../flags.js'
import type { CliIo } from '../io.js'

export const DASHBOARD_USAGE = `usage: joulegate dashboard [--out DIR] [--series NAME ...] [--store DIR | --data-branch BRANCH [--remote NAME]]
                          [--repo-url URL]

Writes the history dashboard, one self-contained index.html (no network needed to view it): per
series and runner the energy per commit (measured, and normalised with its 80% interval), the
declared metrics, energy against each metric with the Pareto front, each runner's calibration
drift, and the last verdicts linking to their commits.
  --out DIR             folder for index.html (default: STORE/dashboard, or joulegate-dashboard
                        with --data-branch)
  --series NAME         only this series; repeat for several (default: every series)
  --store DIR           history folder to read (default ${DEFAULT_STORE_DIR})
  --data-branch BRANCH  read the data branch of the repository's remote instead (e.g. joulegate-data)
  --remote NAME         the remote holding the data branch (default origin)
  --repo-url URL        repository web address for commit links (default: from the remote "origin")`

async function guessRepoUrl(remote: string): Promise<string | null> {
  try {
    return toRepositoryUrl(await resolveRemoteUrl(process.cwd(), remote))
  } catch {
    return null // not a git checkout, or no such remote: the page shows commits without links
  }
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags('dashboard', argv, {
    out: { type: 'string' },
    series: { type: 'string', multiple: true },
    store: { type: 'string' },
    'data-branch': { type: 'string' },
    remote: { type: 'string' },
    'repo-url': { type: 'string' }
  })
  if (flags.values.help) {
    io.out(DASHBOARD_USAGE)
    return 0
  }
  if (flags.positionals.length > 0)
    throw new UsageError(
      describeBadValue('dashboard', flags.positionals[0], 'no positional argument (see --help)')
    )
  const storeDir = stringFlag(flags.values, 'store')
  const branch = stringFlag(flags.values, 'data-branch')
  if (storeDir && branch)
    throw new UsageError('dashboard: --store and --data-branch name two stores; give one')
  const remote = stringFlag(flags.values, 'remote') ?? 'origin'
  const repoFlag = stringFlag(flags.values, 'repo-url')
  const repoUrl = repoFlag === undefined ? await guessRepoUrl('origin') : toRepositoryUrl(repoFlag)
  if (repoFlag !== undefined && repoUrl === null)
    throw new UsageError(
      describeBadValue(
        '--repo-url',
        repoFlag,
        'an http(s) or git address such as https://github.com/OWNER/REPO'
      )
    )
  const store: HistoryStore = branch
    ? new GitDataBranchStore({ cwd: process.cwd(), remote, branch })
    : new FolderStore(storeDir ?? DEFAULT_STORE_DIR)
  const out =
    stringFlag(flags.values, 'out') ??
    (branch ? 'joulegate-dashboard' : path.join(storeDir ?? DEFAULT_STORE_DIR, 'dashboard'))
  try {
    const site = await buildDashboardSite(store, {
      repoUrl,
      series: stringFlags(flags.values, 'series')
    })
    await mkdir(out, { recursive: true })
    for (const [name, text] of Object.entries(site.files)) {
      // written aside and renamed: a browser reloading the page never reads half a file
      const file = path.join(out, name)
      await writeFile(`${file}.tmp`, text, 'utf8')
      await rename(`${file}.tmp`, file)
    }
    const records = site.data.series.reduce((n, s) => n + s.records, 0)
    for (const note of site.data.notes) io.err(`joulegate: ${note}`)
    io.out(
      `wrote ${path.join(out, 'index.html')} (${records} records, ${site.data.series.length} series, from ${store.description})`
    )
    return 0
  } finally {
    await store.close()
  }
}
