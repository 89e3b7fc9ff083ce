import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  DataBranchError,
  openDataBranchStore,
  type GitDataBranchOptions
} from '../../../src/adapters/store/git-branch-backend.js'
import type { Store } from '../../../src/adapters/store/store.js'
import { describeSkippedLines } from '../../../src/core/history/history.js'
import { commitFile, git, makeWorkspace, openSandbox, type Sandbox } from './git-fixture.js'
import { makeCalibration, makeRecord } from './records.js'

let box: Sandbox
beforeAll(() => {
  box = openSandbox()
})
afterAll(() => box.restore())

async function withStore<T>(
  options: Omit<GitDataBranchOptions, 'env'>,
  fn: (store: Store) => Promise<T>
): Promise<T> {
  const store = openDataBranchStore({ env: process.env, ...options })
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

const branchLog = (origin: string, format: string): string[] =>
  git(origin, 'log', `--format=${format}`, 'joulegate-data')
    .split('\n')
    .filter((l) => l !== '')

describe('Store', () => {
  it('runs with no git identity configured anywhere', () => {
    expect(() =>
      execFileSync('git', ['config', 'user.email'], {
        cwd: box.root,
        env: process.env,
        stdio: 'pipe'
      })
    ).toThrow()
  })

  it('creates the branch, appends, and never touches the checkout', async () => {
    const { origin, workspace } = makeWorkspace(box.root, 'basic')
    const head = git(workspace, 'rev-parse', 'HEAD')
    await withStore({ cwd: workspace }, async (store) => {
      expect(await store.listSeries()).toEqual([])
      expect(await store.readHistory('default')).toEqual([])
      await store.appendRecord('default', makeRecord({ commit: head, energyJ: 1 }))
      await store.appendRecord('default', makeRecord({ commit: head, energyJ: 2 }))
      await store.appendRecord('gpu-a40', makeRecord({ commit: head, energyJ: 3 }))
      // the same instance reads its own writes
      expect((await store.readHistory('default')).map((r) => r.measurement.energyJ)).toEqual([1, 2])
    })
    await withStore({ cwd: workspace }, async (store) => {
      expect(await store.listSeries()).toEqual(['default', 'gpu-a40'])
      expect((await store.readHistory('gpu-a40')).map((r) => r.measurement.energyJ)).toEqual([3])
    })
    expect(git(origin, 'ls-tree', '--name-only', '-r', 'joulegate-data').split('\n')).toEqual([
      'README.md',
      'history/default.jsonl',
      'history/gpu-a40.jsonl'
    ])
    expect(new Set(branchLog(origin, '%an <%ae>'))).toEqual(
      new Set(['github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>'])
    )
    expect(branchLog(origin, '%s')[0]).toMatch(
      /^joulegate: record gpu-a40 at [0-9a-f]{7} \[skip ci\]$/
    )
    expect(git(workspace, 'status', '--porcelain')).toBe('')
    expect(git(workspace, 'rev-parse', 'HEAD')).toBe(head)
    expect(git(workspace, 'for-each-ref', '--format=%(refname)')).not.toMatch(/joulegate-data/)
  })

  it('five concurrent writers, each with its own clone, lose nothing', async () => {
    const { origin, workspace } = makeWorkspace(box.root, 'race')
    const writers = Array.from({ length: 5 }, (_, w) => w)
    let retries = 0
    await Promise.all(
      writers.map((w) =>
        withStore(
          {
            cwd: workspace,
            identity: { name: 'joulegate', email: 'joulegate@example.com' },
            onRetry: () => retries++
          },
          (s) => s.appendRecord('default', makeRecord({ tag: `w${w}` }))
        )
      )
    )
    const text = git(origin, 'show', 'joulegate-data:history/default.jsonl')
    const tags = text.split('\n').map((l) => JSON.parse(l).measurement.command)
    expect([...tags].sort()).toEqual(writers.map((w) => `train w${w}`))
    // one commit per record, each on top of the previous one: nothing was forced or dropped
    expect(branchLog(origin, '%H %P').map((p) => p.split(' ').length - 1)).toEqual([1, 1, 1, 1, 0])
    expect(new Set(branchLog(origin, '%an'))).toEqual(new Set(['joulegate']))
    // the writers started together, so some pushes met a moved branch and were re-applied
    expect(retries).toBeGreaterThan(0)
  })

  it('keeps every calibration on the branch and serves the newest', async () => {
    const { origin, workspace } = makeWorkspace(box.root, 'cal')
    const fp = '0123456789abcdef'
    await withStore({ cwd: workspace }, async (store) => {
      expect(await store.readCalibration(fp)).toBeNull()
      await store.writeCalibration(fp, makeCalibration('2026-01-03T00:00:00.000Z', 300))
      await store.writeCalibration(fp, makeCalibration('2026-01-02T00:00:00.000Z', 200))
    })
    await withStore({ cwd: workspace }, async (store) => {
      expect((await store.readCalibration(fp))?.points[0].energyJ).toBe(300)
      expect((await store.readCalibrationLog(fp)).map((c) => c.points[0].energyJ)).toEqual([
        300, 200
      ])
    })
    expect(
      git(origin, 'ls-tree', '--name-only', '-r', 'joulegate-data', 'calibration/').split('\n')
    ).toEqual([`calibration/${fp}.json`, `calibration/${fp}.jsonl`])
  })

  it('skips a corrupt record, naming branch, file and line, and reads the others', async () => {
    const { origin, workspace } = makeWorkspace(box.root, 'corrupt')
    await withStore({ cwd: workspace }, (s) => s.appendRecord('default', makeRecord()))
    const editor = path.join(box.root, 'corrupt-editor')
    git(box.root, 'clone', '-q', '--branch', 'joulegate-data', origin, editor)
    const file = path.join(editor, 'history', 'default.jsonl')
    commitFile(editor, 'history/default.jsonl', `${readFileSync(file, 'utf8')}not json\n`)
    git(editor, 'push', '-q', 'origin', 'joulegate-data')
    const history = await withStore({ cwd: workspace }, (s) => s.readHistory('default'))
    expect(history).toHaveLength(1)
    expect(describeSkippedLines(history)).toEqual([
      expect.stringMatching(
        /^joulegate-data:history\/default\.jsonl line 2 cannot be read and was skipped \(not valid JSON .*"not json"\)/
      )
    ])
  })

  it('fails at once, with the remote message, on a push the remote refuses', async () => {
    const { origin, workspace } = makeWorkspace(box.root, 'hook')
    const hook = path.join(origin, 'hooks', 'pre-receive')
    writeFileSync(hook, '#!/bin/sh\necho "branch is protected" >&2\nexit 1\n')
    chmodSync(hook, 0o755)
    const err = await withStore({ cwd: workspace, backoffMs: 5000 }, (s) =>
      s.appendRecord('default', makeRecord())
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DataBranchError)
    expect((err as Error).message).toMatch(
      /^could not push to branch joulegate-data of .*hook-origin\.git: .*branch is protected/
    )
    expect((err as Error).message).not.toMatch(/attempts/)
  })

  it('never writes the auth header to a file nor shows it', async () => {
    const { workspace } = makeWorkspace(box.root, 'auth')
    const tmpRoot = path.join(box.root, 'auth-tmp')
    mkdirSync(tmpRoot)
    const secret = 'c2VjcmV0LXRva2Vu'
    const store = openDataBranchStore({
      env: process.env,
      cwd: workspace,
      tmpRoot,
      authHeader: `AUTHORIZATION: basic ${secret}`
    })
    try {
      await store.appendRecord('default', makeRecord())
      const files = (dir: string): string[] =>
        readdirSync(dir).flatMap((n) =>
          statSync(path.join(dir, n)).isDirectory() ? files(path.join(dir, n)) : [path.join(dir, n)]
        )
      const written = files(tmpRoot)
      expect(written.some((f) => f.endsWith('config'))).toBe(true)
      for (const f of written) expect(readFileSync(f).includes(secret)).toBe(false)
    } finally {
      await store.close()
    }
    expect(readdirSync(tmpRoot)).toEqual([])
    const bad = openDataBranchStore({
      env: process.env,
      cwd: workspace,
      remote: path.join(box.root, 'nowhere.git'),
      authHeader: `AUTHORIZATION: basic ${secret}`
    })
    const err = await bad.readHistory('default').catch((e: unknown) => e)
    await bad.close()
    expect(err).toBeInstanceOf(DataBranchError)
    expect((err as Error).message).toMatch(
      /^could not fetch branch joulegate-data of .*nowhere\.git/
    )
    expect((err as Error).message).not.toContain(secret)
  })

  it('refuses an identity git would reject, naming it', () => {
    expect(() =>
      openDataBranchStore({
        env: process.env,
        cwd: box.root,
        identity: { name: 'bot', email: '<x>' }
      })
    ).toThrow(/^commit identity email: got "<x>"/)
  })

  it('says which remote is missing', async () => {
    const lonely = path.join(box.root, 'lonely')
    git(box.root, 'init', '-q', lonely)
    const err = await withStore({ cwd: lonely }, (s) => s.listSeries()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DataBranchError)
    expect((err as Error).message).toMatch(/needs the git remote "origin" in .*lonely/)
  })
})
