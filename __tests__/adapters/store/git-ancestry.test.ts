import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import {
  readAncestryForBaseline,
  readFirstParentAncestry
} from '../../../src/adapters/git-ancestry.js'
import { selectBaseline } from '../../../src/core/compare/baseline.js'
import { commitFile, git, openSandbox, type Sandbox } from './git-fixture.js'
import { makeRecord } from './records.js'
import type { HistoryRecord } from '../../../src/core/types.js'

let box: Sandbox
let repo: string
/** main: c1 - c2 - merge(c2, s1) - c4, with side branch s1 off c1 */
const c: Record<string, string> = {}

beforeAll(() => {
  box = openSandbox()
  repo = path.join(box.root, 'repo')
  git(box.root, 'init', '-q', repo)
  c.c1 = commitFile(repo, 'a.txt', '1\n')
  git(repo, 'checkout', '-q', '-b', 'side')
  c.s1 = commitFile(repo, 'b.txt', 'side\n')
  git(repo, 'checkout', '-q', 'main')
  c.c2 = commitFile(repo, 'a.txt', '2\n')
  git(repo, 'merge', '-q', '--no-ff', '-m', 'merge side', 'side')
  c.merge = git(repo, 'rev-parse', 'HEAD')
  c.c4 = commitFile(repo, 'a.txt', '4\n')
})
afterAll(() => box.restore())

describe('readFirstParentAncestry', () => {
  it('walks first parents only, newest first, from a subfolder too', async () => {
    const sub = path.join(repo, 'deep')
    mkdirSync(sub, { recursive: true })
    const want = [c.c4, c.merge, c.c2, c.c1]
    expect(await readFirstParentAncestry({ cwd: repo, env: process.env })).toEqual({
      shas: want,
      shallow: false
    })
    expect((await readFirstParentAncestry({ cwd: sub, env: process.env }))?.shas).toEqual(want)
  })

  it('stops at the limit', async () => {
    expect((await readFirstParentAncestry({ cwd: repo, env: process.env }, 2))?.shas).toEqual([
      c.c4,
      c.merge
    ])
  })

  it('is null outside a repository and in a repository without commits', async () => {
    const plain = path.join(box.root, 'plain')
    mkdirSync(plain)
    expect(await readFirstParentAncestry({ cwd: plain, env: process.env })).toBeNull()
    const empty = path.join(box.root, 'empty')
    git(box.root, 'init', '-q', empty)
    expect(await readFirstParentAncestry({ cwd: empty, env: process.env })).toBeNull()
  })

  it('says when the checkout is shallow', async () => {
    const shallow = path.join(box.root, 'shallow')
    git(box.root, 'clone', '-q', '--depth', '1', `file://${repo}`, shallow)
    expect(await readFirstParentAncestry({ cwd: shallow, env: process.env })).toEqual({
      shas: [c.c4],
      shallow: true
    })
  })

  it('feeds selectBaseline: a record on the side branch is not a baseline', async () => {
    const ancestry = await readFirstParentAncestry({ cwd: repo, env: process.env })
    const records = [
      makeRecord({ commit: c.c1, energyJ: 1 }),
      makeRecord({ commit: c.s1, energyJ: 2, recordedAt: '2026-02-01T00:00:00Z' })
    ]
    const got = selectBaseline({
      records,
      baseCommit: c.merge,
      ancestry: ancestry!.shas,
      shallow: ancestry!.shallow
    })
    expect(got.record?.measurement.energyJ).toBe(1)
    expect(got.reason).toBe(
      `base commit ${c.merge.slice(0, 7)} has no record; nearest first-parent ancestor ${c.c1.slice(0, 7)} (2 commits before the base) has a record`
    )
  })
})

describe('readAncestryForBaseline in a shallow checkout', () => {
  /** origin main: m0 .. m69, then a pull request merge ref (first parent m69) as GitHub makes it */
  const m: string[] = []
  let origin: string
  let merge: string

  beforeAll(() => {
    origin = path.join(box.root, 'deep-origin')
    git(box.root, 'init', '-q', origin)
    for (let i = 0; i < 70; i++) m.push(commitFile(origin, 'a.txt', `${i}\n`))
    git(origin, 'checkout', '-q', '-b', 'feature')
    commitFile(origin, 'b.txt', 'pr\n')
    git(origin, 'checkout', '-q', 'main')
    git(origin, 'merge', '-q', '--no-ff', '-m', 'Merge feature into main', 'feature')
    merge = git(origin, 'rev-parse', 'HEAD')
    git(origin, 'update-ref', 'refs/pull/5/merge', merge)
    git(origin, 'reset', '-q', '--hard', m[69])
  })

  /** what actions/checkout does for a pull request: the merge ref alone, fetch-depth 1 */
  function checkoutShallow(name: string): string {
    const ws = path.join(box.root, name)
    git(box.root, 'init', '-q', ws)
    git(ws, 'remote', 'add', 'origin', `file://${origin}`)
    git(
      ws,
      'fetch',
      '-q',
      '--no-tags',
      '--depth=1',
      'origin',
      '+refs/pull/5/merge:refs/remotes/pull/5/merge'
    )
    git(ws, 'checkout', '-q', '--detach', 'refs/remotes/pull/5/merge')
    return ws
  }

  /** deepens `ws` looking for the records' commits, then picks the baseline from what it read */
  async function deepenAndSelect(ws: string, records: HistoryRecord[]) {
    const logs: string[] = []
    const ancestry = await readAncestryForBaseline(
      { cwd: ws, env: process.env },
      { records, baseCommit: m[69] },
      { log: (l) => logs.push(l) }
    )
    const got = selectBaseline({
      records,
      baseCommit: m[69],
      ancestry: ancestry!.shas,
      shallow: ancestry!.shallow
    })
    return { logs, ancestry, got }
  }

  it('deepens in bounded rounds until a recorded ancestor of the base appears', async () => {
    const ws = checkoutShallow('deep-found')
    expect(await readFirstParentAncestry({ cwd: ws, env: process.env })).toEqual({
      shas: [merge],
      shallow: true
    })
    const records = [makeRecord({ commit: m[5], energyJ: 42 })]
    const { logs, ancestry, got } = await deepenAndSelect(ws, records)
    // 50 commits were not enough, 200 more reached the start of the history
    expect(logs.filter((l) => /deepened the shallow checkout/.test(l))).toHaveLength(2)
    expect(ancestry?.shas.slice(0, 2)).toEqual([merge, m[69]])
    expect(got.source).toBe('ancestor')
    expect(got.record?.measurement.energyJ).toBe(42)
    expect(got.reason).toBe(
      `base commit ${m[69].slice(0, 7)} has no record; nearest first-parent ancestor ${m[5].slice(0, 7)} (64 commits before the base) has a record`
    )
    // the work tree and HEAD are the checkout's own
    expect(git(ws, 'rev-parse', 'HEAD')).toBe(merge)
    expect(git(ws, 'status', '--porcelain')).toBe('')
  })

  it('stops as soon as a record is reached, and does not fetch without one to find', async () => {
    const ws = checkoutShallow('deep-near')
    const logs: string[] = []
    const log = (l: string): number => logs.push(l)
    const near = [makeRecord({ commit: m[60] })]
    const ancestry = await readAncestryForBaseline(
      { cwd: ws, env: process.env },
      { records: near, baseCommit: m[69] },
      { log }
    )
    expect(logs).toHaveLength(1)
    expect(ancestry).toMatchObject({ shallow: true })
    expect(ancestry?.shas).toHaveLength(51)
    const other = checkoutShallow('deep-none')
    expect(
      await readAncestryForBaseline(
        { cwd: other, env: process.env },
        { records: [], baseCommit: m[69] },
        { log }
      )
    ).toEqual({
      shas: [merge],
      shallow: true
    })
    expect(logs).toHaveLength(1)
  })

  it('falls back to the newest record, saying why, when the history cannot be fetched', async () => {
    const ws = checkoutShallow('deep-offline')
    git(ws, 'remote', 'set-url', 'origin', `file://${path.join(box.root, 'gone')}`)
    const records = [
      makeRecord({ commit: m[5], energyJ: 1, recordedAt: '2026-01-01T00:00:00Z' }),
      makeRecord({ commit: m[40], energyJ: 2, recordedAt: '2026-01-02T00:00:00Z' })
    ]
    const { logs, got } = await deepenAndSelect(ws, records)
    expect(logs).toEqual([
      expect.stringMatching(/^joulegate: could not deepen the shallow checkout from origin: /)
    ])
    expect(got.source).toBe('newest')
    expect(got.record?.measurement.energyJ).toBe(2)
    expect(got.reason).toBe(
      `baseline: newest record of series default (commit ${m[40].slice(0, 7)}); the base commit's ancestry could not be read from this shallow clone (1 commit of HEAD's first-parent history read; fetch-depth: 0 reads it all)`
    )
  })
})
