import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { main } from '../../src/cli/main.js'
import { writeDashboardStore } from '../helpers/dashboard-fixture.js'

let dir: string
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'joulegate-dashboard-cli-'))
  await writeDashboardStore(path.join(dir, 'store'), 3)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await main(['dashboard', ...argv], {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    isTty: false
  })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('joulegate dashboard', () => {
  it('writes only the chosen series, by default into the store folder', async () => {
    const store = path.join(dir, 'store')
    const r = await runCli(
      '--store',
      store,
      '--series',
      'kws-tiny',
      '--repo-url',
      'git@github.com:acme/sed.git'
    )
    expect(r).toMatchObject({ code: 0, err: '' })
    const file = path.join(store, 'dashboard', 'index.html')
    expect(r.out).toBe(`wrote ${file} (6 records, 1 series, from folder ${store})`)
    const html = readFileSync(file, 'utf8')
    expect(html).toContain('https://github.com/acme/sed/commit/')
    expect(html).toContain('"name":"kws-tiny"')
    expect(html).not.toContain('"name":"sed-crnn"')
  })

  it.each([
    [
      ['--series', 'nope'],
      /--series: no series "nope" in folder .*; expected one of: kws-tiny, sed-crnn/
    ],
    [['--data-branch', 'joulegate-data'], /--store and --data-branch name two stores/],
    [
      ['--repo-url', 'javascript:alert(1)'],
      /--repo-url: got "javascript:alert\(1\)", expected an http\(s\) or git address/
    ],
    [['extra'], /dashboard: got "extra", expected no positional argument/]
  ])('refuses %p with a clear message and exit 2', async (argv, message) => {
    const r = await runCli('--store', path.join(dir, 'store'), ...argv)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(message)
  })
})
