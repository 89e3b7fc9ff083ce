// A pull request is judged with its base commit's budget, read from git: the checkout is the change
// under review, and deleting or loosening .github/joulegate.yml there must not change the verdict.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openFolderStore } from '../../src/adapters/store/folder-backend.js'
import type { Store } from '../../src/adapters/store/store.js'
import { checkMeasured, scaled } from './recorded-run.js'

const root = mkdtempSync(join(tmpdir(), 'jg-base-budget-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const env = { ...process.env, HOME: root, GIT_CONFIG_NOSYSTEM: '1' }
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    env,
    encoding: 'utf8'
  }).trim()

const BUDGET = '.github/joulegate.yml'
const write = (dir: string, file: string, text: string): void => {
  mkdirSync(join(dir, file, '..'), { recursive: true })
  writeFileSync(join(dir, file), text)
}

/** A repository whose base commit has `base` as budget (null: none) and a store recorded at 1x. */
async function repoWithBase(
  name: string,
  base: string | null
): Promise<{ dir: string; sha: string; store: Store }> {
  const dir = join(root, name)
  mkdirSync(dir)
  git(dir, 'init', '-q', '-b', 'main')
  write(dir, 'train.py', 'print(1)\n')
  if (base !== null) write(dir, BUDGET, base)
  git(dir, 'add', '.')
  git(dir, 'commit', '-q', '-m', 'base')
  const sha = git(dir, 'rev-parse', 'HEAD')
  const store = openFolderStore(join(root, `${name}-store`))
  await checkMeasured({ record: 'true' }, { cwd: dir, store }, scaled(1))
  git(dir, 'checkout', '-q', '-b', 'feature')
  return { dir, sha, store }
}

const checkPr = (dir: string, base: string, store: Store, factor = 40) =>
  checkMeasured({}, { cwd: dir, baseSha: base, store }, scaled(factor))

describe("check judges a pull request with its base commit's budget", () => {
  let deleted: Awaited<ReturnType<typeof repoWithBase>>
  beforeAll(async () => {
    deleted = await repoWithBase('deleted', 'budget:\n  energy-increase: 10%\n')
  })

  it('fails 40x the energy although the pull request deleted the budget file', async () => {
    rmSync(join(deleted.dir, BUDGET))
    git(deleted.dir, 'commit', '-q', '-am', 'no budget')
    const out = await checkPr(deleted.dir, deleted.sha, deleted.store)
    expect(out.verdict).toBe('fail')
    expect(out.report).toMatch(/budget \.github\/joulegate\.yml at base [0-9a-f]{7}/)
    expect(out.report).toMatch(
      /This pull request changes the budget: it deletes \.github\/joulegate\.yml\. The new budget applies after merge/
    )
  })

  it('fails it when the pull request loosened the budget, and shows old vs new', async () => {
    const r = await repoWithBase('loosened', 'budget:\n  energy-increase: 10%\n')
    write(r.dir, BUDGET, 'budget:\n  energy-increase: 5000%\n')
    const out = await checkPr(r.dir, r.sha, r.store)
    expect(out.verdict).toBe('fail')
    expect(out.report).toMatch(/energy-increase 10% → 5000%/)
    expect(out.report).toMatch(/applies after merge/)
  })

  it('fetches a base commit the shallow checkout lacks from origin', async () => {
    const r = await repoWithBase('origin-src', 'budget:\n  energy-increase: 10%\n')
    write(r.dir, BUDGET, 'budget:\n  energy-increase: 5000%\n')
    git(r.dir, 'commit', '-q', '-am', 'loosen')
    const clone = join(root, 'shallow-clone')
    git(root, 'clone', '-q', '--depth=1', '--branch', 'feature', `file://${r.dir}`, clone)
    expect(() => git(clone, 'cat-file', '-e', `${r.sha}^{commit}`)).toThrow()
    const out = await checkPr(clone, r.sha, r.store)
    expect(out.verdict).toBe('fail')
    expect(out.budgetProblem ?? null).toBeNull()
  })

  it("applies the base's empty budget when only the pull request adds one, and says so", async () => {
    const r = await repoWithBase('added', null)
    write(r.dir, BUDGET, 'budget:\n  energy-increase: 10%\n')
    const out = await checkPr(r.dir, r.sha, r.store)
    expect(out.verdict).toBe('pass')
    expect(out.report).toMatch(
      /The base commit [0-9a-f]{7} has no budget file; this pull request adds \.github\/joulegate\.yml, which applies after merge/
    )
  })

  it('is inconclusive, never pass, when the base commit cannot be read', async () => {
    const r = await repoWithBase('unreadable', 'budget:\n  energy-increase: 10%\n')
    rmSync(join(r.dir, BUDGET))
    const out = await checkPr(r.dir, 'f'.repeat(40), r.store, 1)
    expect(out.verdict).toBe('inconclusive')
    const [, first, second] = out.report.split('\n')
    expect(first).toMatch(/Inconclusive:\*\* no trusted budget\.$/)
    expect(second).toMatch(/^The base commit's budget/)
  })
})
