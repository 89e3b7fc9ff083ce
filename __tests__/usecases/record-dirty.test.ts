// --record on a checkout with local changes: the record names HEAD, so it says it was dirty.
import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openFolderStore } from '../../src/adapters/store/folder-backend.js'
import type { Store } from '../../src/adapters/store/store.js'
import { parseSettings } from '../../src/core/settings.js'
import { runCheck } from '../../src/usecases/check.js'
import { scaled } from './recorded-run.js'
import { readRunEnv } from '../../src/usecases/run-env.js'

const dir = mkdtempSync(join(tmpdir(), 'jg-dirty-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const git = (...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd: dir,
    env: { ...process.env, HOME: dir, GIT_CONFIG_NOSYSTEM: '1' },
    encoding: 'utf8'
  })

async function record(store: Store): Promise<string[]> {
  const lines: string[] = []
  await runCheck(parseSettings({ record: 'true' }), {
    cwd: dir,
    baseSha: null,
    headSha: null,
    store,
    env: readRunEnv(process.env),
    log: (l) => lines.push(l),
    argv: ['true'],
    measurement: scaled(1)
  })
  return lines
}

describe('--record on a dirty tree', () => {
  it('warns with the count of changed files and stores dirty: true; a clean tree stores none', async () => {
    git('init', '-q')
    writeFileSync(join(dir, 'train.py'), 'print(1)\n')
    writeFileSync(join(dir, 'model.py'), 'x = 1\n')
    git('add', '.')
    git('commit', '-q', '-m', 'c')
    const store = openFolderStore(join(dir, '.joulegate'))
    expect((await record(store)).join('\n')).not.toMatch(/differ from HEAD/)
    writeFileSync(join(dir, 'train.py'), 'print(2)\n')
    writeFileSync(join(dir, 'model.py'), 'x = 2\n')
    expect((await record(store)).join('\n')).toMatch(
      /warning: 2 tracked files differ from HEAD; this run is recorded against HEAD with "dirty": true/
    )
    const history = await store.readHistory('default')
    expect(history.map((r) => r.dirty ?? false)).toEqual([false, true])
  })
})
