// The action's record and calibrate modes refresh dashboard/ on the data branch in the same
// commit as the data: real git, a bare origin, the real page builder.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { openDataBranchStore } from '../../src/adapters/store/git-branch-backend.js'
import { openStore } from '../../src/action/open-store.js'
import { GITHUB_ACTIONS_BOT } from '../../src/core/github-bot.js'
import { dashboardForTree } from '../../src/usecases/dashboard.js'
import { git, makeWorkspace, openSandbox, type Sandbox } from '../adapters/store/git-fixture.js'
import { makeCalibration, makeRecord } from '../adapters/store/records.js'

let box: Sandbox
beforeAll(() => {
  box = openSandbox()
})
afterAll(() => box.restore())

const ASSETS = { js: 'window.uPlot = function () {}', css: '', version: 'test' }

function readIsland(origin: string): {
  series: { name: string; records: number }[]
  drift: unknown[]
} {
  const html = git(origin, 'show', 'joulegate-data:dashboard/index.html')
  const island = /<script type="application\/json" id="dashboard-data">([^<]*)<\/script>/.exec(html)
  return JSON.parse(island![1])
}

describe('dashboard on the data branch', () => {
  it('is written in the same commit as each record and calibration, on top of the history', async () => {
    const { origin, workspace } = makeWorkspace(box.root, 'dash')
    const head = git(workspace, 'rev-parse', 'HEAD')
    const store = openDataBranchStore({
      env: process.env,
      cwd: workspace,
      companionFiles: dashboardForTree({
        repoUrl: 'https://github.com/acme/sed',
        description: 'joulegate-data',
        assets: ASSETS
      })
    })
    try {
      await store.appendRecord('default', makeRecord({ commit: head, energyJ: 1 }))
      const first = git(origin, 'rev-parse', 'joulegate-data')
      expect(git(origin, 'show', '--name-only', '--format=', first).split('\n').sort()).toEqual([
        'README.md',
        'dashboard/index.html',
        'history/default.jsonl'
      ])
      expect(readIsland(origin).series).toMatchObject([{ name: 'default', records: 1 }])

      await store.appendRecord('default', makeRecord({ commit: head, energyJ: 2 }))
      await store.writeCalibration('f'.repeat(16), makeCalibration('2026-01-01T00:00:00Z'))
      // one commit per write, each on the previous one: nothing rewritten
      const log = git(origin, 'log', '--format=%H %P', 'joulegate-data').split('\n')
      expect(log).toHaveLength(3)
      expect(log[2]).toBe(first)
      expect(log[0].split(' ')[1]).toBe(log[1].split(' ')[0])
      expect(
        git(origin, 'show', '--name-only', '--format=', 'joulegate-data').split('\n').sort()
      ).toEqual([
        'calibration/ffffffffffffffff.json',
        'calibration/ffffffffffffffff.jsonl',
        'dashboard/index.html'
      ])
      const island = readIsland(origin)
      expect(island.series).toMatchObject([{ name: 'default', records: 2 }])
      expect(island.drift).toHaveLength(1)
    } finally {
      await store.close()
    }
  })

  it('writes the record without the page when the page cannot be built, and says so', async () => {
    const { origin, workspace } = makeWorkspace(box.root, 'dash-fail')
    const notes: string[] = []
    const store = openDataBranchStore({
      env: process.env,
      cwd: workspace,
      companionFiles: async () => {
        throw new Error('out of memory')
      },
      onNote: (line) => notes.push(line)
    })
    try {
      await store.appendRecord('default', makeRecord({ energyJ: 5 }))
    } finally {
      await store.close()
    }
    expect(git(origin, 'show', 'joulegate-data:history/default.jsonl')).toContain('"energyJ":5')
    expect(git(origin, 'ls-tree', '--name-only', 'joulegate-data')).not.toContain('dashboard')
    expect(notes).toEqual([expect.stringMatching(/dashboard was not refreshed .*out of memory/)])
  })

  it('is what the action binds: written stores refresh it, pull-request stores write nothing', async () => {
    const { origin, workspace } = makeWorkspace(box.root, 'dash-action')
    // the address the action makes of GITHUB_SERVER_URL and GITHUB_REPOSITORY=acme/sed
    const open = (writable: boolean) =>
      openStore({
        cwd: workspace,
        branch: 'joulegate-data',
        writable,
        identity: GITHUB_ACTIONS_BOT,
        token: null,
        repoUrl: 'https://github.com/acme/sed',
        env: process.env,
        log: () => undefined
      })
    const store = await open(true)
    await store.appendRecord('default', makeRecord({ commit: 'd'.repeat(40) }))
    await store.close()
    const html = git(origin, 'show', 'joulegate-data:dashboard/index.html')
    expect(html).toContain(`https://github.com/acme/sed/commit/${'d'.repeat(40)}`)
    const readOnly = await open(false)
    await expect(readOnly.appendRecord('default', makeRecord())).rejects.toThrow(/never written/)
    await readOnly.close()
    expect(git(origin, 'rev-list', '--count', 'joulegate-data')).toBe('1')
  })
})
