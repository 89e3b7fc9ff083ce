import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { readFirstParentAncestry } from '../../src/adapters/git-ancestry.js'
import { selectBaseline } from '../../src/core/baseline.js'
import { commitFile, git, openSandbox, type Sandbox } from './git-fixture.js'
import { makeRecord } from './records.js'

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
    expect(await readFirstParentAncestry(repo)).toEqual({ shas: want, shallow: false })
    expect((await readFirstParentAncestry(sub))?.shas).toEqual(want)
  })

  it('stops at the limit', async () => {
    expect((await readFirstParentAncestry(repo, 2))?.shas).toEqual([c.c4, c.merge])
  })

  it('is null outside a repository and in a repository without commits', async () => {
    const plain = path.join(box.root, 'plain')
    mkdirSync(plain)
    expect(await readFirstParentAncestry(plain)).toBeNull()
    const empty = path.join(box.root, 'empty')
    git(box.root, 'init', '-q', empty)
    expect(await readFirstParentAncestry(empty)).toBeNull()
  })

  it('says when the checkout is shallow', async () => {
    const shallow = path.join(box.root, 'shallow')
    git(box.root, 'clone', '-q', '--depth', '1', `file://${repo}`, shallow)
    expect(await readFirstParentAncestry(shallow)).toEqual({ shas: [c.c4], shallow: true })
  })

  it('feeds selectBaseline: a record on the side branch is not a baseline', async () => {
    const ancestry = await readFirstParentAncestry(repo)
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
