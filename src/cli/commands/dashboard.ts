// joulegate dashboard [--out DIR] [--series NAME ...] [--store DIR | --data-branch BRANCH]
import { mkdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { openFolderStore } from '../../adapters/store/folder-backend.js'
import { openDataBranchStore } from '../../adapters/store/git-branch-backend.js'
import { resolveRemoteUrl } from '../../adapters/git.js'
import type { HistoryStore } from '../../adapters/store/store.js'
import { DEFAULT_STORE_DIR } from '../../core/settings.js'
import { UsageError, describeBadValue } from '../../core/errors.js'
import { toRepositoryUrl } from '../../core/report/dashboard/repository-url.js'
import { buildDashboardSite } from '../../usecases/dashboard.js'
import { COMMON, withHelp } from '../flags.js'
import type { CommandDef } from '../settings.js'
import { readEnv } from '../env.js'

async function guessRepoUrl(remote: string): Promise<string | null> {
  try {
    return toRepositoryUrl(
      await resolveRemoteUrl({ cwd: process.cwd(), env: readEnv().vars }, remote)
    )
  } catch {
    return null // not a git checkout, or no such remote: the page shows commits without links
  }
}

export const dashboard: CommandDef = {
  name: 'dashboard',
  summary: 'write the history dashboard (one offline HTML page) from the store',
  usage: `joulegate dashboard [--out DIR] [--series NAME ...] [--store DIR | --data-branch BRANCH [--remote NAME]]
                          [--repo-url URL]`,
  description: `Writes the history dashboard, one self-contained index.html (no network needed to view it): per
series and runner the energy per commit (measured, and normalised with its 80% interval), the
declared metrics, energy against each metric with the Pareto front, each runner's calibration
drift, and the last verdicts linking to their commits.`,
  flags: [
    {
      name: 'out',
      type: 'string',
      value: 'DIR',
      field: 'outDir',
      help: 'folder for index.html (default: STORE/dashboard, or joulegate-dashboard\nwith --data-branch)'
    },
    {
      name: 'series',
      type: 'string',
      value: 'NAME',
      multiple: true,
      field: 'series',
      help: 'only this series; repeat for several (default: every series)'
    },
    withHelp(COMMON.store, `history folder to read (default ${DEFAULT_STORE_DIR})`),
    {
      name: 'data-branch',
      type: 'string',
      value: 'BRANCH',
      field: 'dashboardBranch',
      help: "read the data branch of the repository's remote instead (e.g. joulegate-data)"
    },
    {
      name: 'remote',
      type: 'string',
      value: 'NAME',
      field: 'remote',
      help: 'the remote holding the data branch (default origin)'
    },
    {
      name: 'repo-url',
      type: 'string',
      value: 'URL',
      field: 'repoUrl',
      help: 'repository web address for commit links (default: from the remote "origin")'
    }
  ],
  run: runDashboard
}

async function runDashboard(...[settings, io]: Parameters<CommandDef['run']>): Promise<number> {
  if (settings.positionals.length > 0)
    throw new UsageError(
      describeBadValue('dashboard', settings.positionals[0], 'no positional argument (see --help)')
    )
  const storeDir = settings.store
  const branch = settings.dashboardBranch
  if (storeDir && branch)
    throw new UsageError('dashboard: --store and --data-branch name two stores; give one')
  const remote = settings.remote ?? 'origin'
  const repoFlag = settings.repoUrl
  const repoUrl = repoFlag === null ? await guessRepoUrl('origin') : toRepositoryUrl(repoFlag)
  if (repoFlag !== null && repoUrl === null)
    throw new UsageError(
      describeBadValue(
        '--repo-url',
        repoFlag,
        'an http(s) or git address such as https://github.com/OWNER/REPO'
      )
    )
  const store: HistoryStore = branch
    ? openDataBranchStore({ cwd: process.cwd(), env: readEnv().vars, remote, branch })
    : openFolderStore(storeDir ?? DEFAULT_STORE_DIR)
  const out =
    settings.outDir ??
    (branch ? 'joulegate-dashboard' : path.join(storeDir ?? DEFAULT_STORE_DIR, 'dashboard'))
  try {
    const site = await buildDashboardSite(store, { repoUrl, series: settings.series })
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
