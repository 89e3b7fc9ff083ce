// `joulegate check --record` on a checkout with local changes, as a user runs it: one warning
// line, and the stored record says it was dirty.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { emulateHost, runCli, type EmulatedHost } from '../helpers/cli-harness.js'

let host: EmulatedHost
beforeAll(() => {
  host = emulateHost(300)
})
afterAll(() => host.cleanup())

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]
  )

describe('joulegate check --record on a dirty tree', () => {
  it('warns once with the count of changed files and records dirty: true', async () => {
    const repo = join(host.root, 'repo')
    mkdirSync(repo)
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: repo,
        env: host.env,
        encoding: 'utf8'
      })
    git('init', '-q')
    writeFileSync(join(repo, '.gitignore'), '.joulegate/\n')
    writeFileSync(join(repo, 'train.py'), 'print(1)\n')
    git('add', '.')
    git('commit', '-q', '-m', 'first')
    writeFileSync(join(repo, 'train.py'), 'print(2)\n')
    const result = await runCli(['check', '--record', '--idle-s', '0', '--', 'true'], {
      cwd: repo,
      env: host.env
    })
    expect(result.code).toBe(0)
    const warning =
      /warning: 1 tracked file differ from HEAD; this run is recorded against HEAD with "dirty": true/g
    expect(result.stderr.match(warning)).toHaveLength(1)
    const history = filesUnder(join(repo, '.joulegate')).filter((f) => f.endsWith('.jsonl'))
    const records = history.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { dirty?: boolean })
    )
    expect(records).toHaveLength(1)
    expect(records[0]!.dirty).toBe(true)
  })
})
