// The token reaches git only through its environment: every git process the store starts is
// recorded (argv and GIT_CONFIG_KEY_n) by a `git` wrapper first on PATH, while a real git server
// on loopback refuses anyone who does not send the header.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  DataBranchError,
  openDataBranchStore
} from '../../../src/adapters/store/git-branch-backend.js'
import { tokenAuthHeader } from '../../../src/adapters/git.js'
import { git, makeWorkspace, openSandbox, type Sandbox } from './git-fixture.js'
import { startHttpOrigin, type HttpOrigin } from './git-http-origin.js'
import { makeRecord } from './records.js'

const TOKEN = 'ghs_0123456789abcdefSECRET'
const HEADER = tokenAuthHeader(TOKEN)
const BASIC = HEADER.split(' ').at(-1)!
const secrets = [TOKEN, BASIC, HEADER]

let box: Sandbox
let calls: string
let savedPath: string | undefined
const servers: HttpOrigin[] = []

beforeAll(() => {
  box = openSandbox()
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim()
  const bin = path.join(box.root, 'bin')
  calls = path.join(box.root, 'calls')
  mkdirSync(bin)
  mkdirSync(calls)
  writeFileSync(
    path.join(bin, 'git'),
    [
      '#!/bin/sh',
      `log=$(mktemp "${calls}/call.XXXXXX")`,
      'for a in "$@"; do printf "%s\\n" "$a"; done > "$log.argv"',
      'env | grep "^GIT_CONFIG_KEY_" > "$log.keys"',
      `exec "${realGit}" "$@"`,
      ''
    ].join('\n')
  )
  chmodSync(path.join(bin, 'git'), 0o755)
  savedPath = process.env.PATH
  process.env.PATH = `${bin}${path.delimiter}${savedPath}`
})
afterAll(async () => {
  process.env.PATH = savedPath
  for (const s of servers) await s.close()
  box.restore()
})

async function serve(name: string, refusePush?: string): Promise<{ url: string; ws: string }> {
  const { workspace } = makeWorkspace(box.root, name)
  const realGit = execFileSync('sh', ['-c', `PATH=${savedPath} command -v git`], {
    encoding: 'utf8'
  }).trim()
  const origin = await startHttpOrigin({
    projectRoot: box.root,
    gitPath: realGit,
    authorization: HEADER.slice('AUTHORIZATION: '.length),
    refusePush
  })
  servers.push(origin)
  return { url: `${origin.url}/${name}-origin.git`, ws: workspace }
}

/** argv and GIT_CONFIG_KEY_n of every git the store started since the last call */
function takeCalls(): Array<{ argv: string[]; keys: string[] }> {
  const names = readdirSync(calls).filter((n) => n.endsWith('.argv'))
  const out = names.map((n) => ({
    argv: readFileSync(path.join(calls, n), 'utf8').split('\n').slice(0, -1),
    keys: readFileSync(path.join(calls, n.replace(/\.argv$/, '.keys')), 'utf8')
      .split('\n')
      .filter(Boolean)
  }))
  for (const n of readdirSync(calls)) execFileSync('rm', ['-f', path.join(calls, n)])
  return out
}

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) =>
    statSync(path.join(dir, n)).isDirectory() ? filesUnder(path.join(dir, n)) : [path.join(dir, n)]
  )

const expectNoSecret = (text: string): void => {
  for (const s of secrets) expect(text).not.toContain(s)
}

describe('the data-branch token', () => {
  it('reaches a server that requires it, and never appears in argv or a file', async () => {
    const { url, ws } = await serve('argv')
    const tmpRoot = path.join(box.root, 'argv-tmp')
    mkdirSync(tmpRoot)
    takeCalls()
    const store = openDataBranchStore({
      env: process.env,
      cwd: ws,
      remote: url,
      tmpRoot,
      authHeader: HEADER
    })
    try {
      await store.appendRecord('default', makeRecord({ energyJ: 7 }))
      // the private repository, while it exists, holds no credential either
      for (const f of filesUnder(tmpRoot)) expectNoSecret(readFileSync(f, 'latin1'))
    } finally {
      await store.close()
    }
    const reader = openDataBranchStore({
      env: process.env,
      cwd: ws,
      remote: url,
      authHeader: HEADER
    })
    const read = await reader.readHistory('default').finally(() => reader.close())
    expect(read.map((r) => r.measurement.energyJ)).toEqual([7])
    const seen = takeCalls()
    const network = seen.filter((c) => c.argv[0] === 'fetch' || c.argv[0] === 'push')
    expect(network.map((c) => c.argv[0]).sort()).toEqual(['fetch', 'fetch', 'push'])
    for (const c of seen) expectNoSecret(c.argv.join(' '))
    for (const c of network) expect(c.keys.some((k) => /=http\.extraheader$/.test(k))).toBe(true)
    // the record arrived through the server, so the header did reach it
    expect(
      git(path.join(box.root, 'argv-origin.git'), 'log', '--format=%s', 'joulegate-data')
    ).toMatch(/joulegate: record default/)
    for (const dir of [path.join(ws, '.git'), path.join(box.root, 'argv-origin.git')])
      expectNoSecret(readFileSync(path.join(dir, 'config'), 'utf8'))
  })

  it('is kept out of the message of a push the server refuses', async () => {
    const { url, ws } = await serve('refused', 'push denied for this token')
    const store = openDataBranchStore({
      env: process.env,
      cwd: ws,
      remote: url,
      authHeader: HEADER
    })
    const err = await store.appendRecord('default', makeRecord()).catch((e: unknown) => e)
    await store.close()
    expect(err).toBeInstanceOf(DataBranchError)
    const message = (err as Error).message
    expect(message).toMatch(/^could not push to branch joulegate-data of http:\/\/127\.0\.0\.1:/)
    expect(message).toMatch(/403/)
    expectNoSecret(message)
    for (const c of takeCalls()) expectNoSecret(c.argv.join(' '))
  })

  it('is kept out of the message of a fetch the server refuses', async () => {
    const { url, ws } = await serve('wrong')
    const wrong = tokenAuthHeader('ghs_wrongWRONGwrong')
    const store = openDataBranchStore({
      env: process.env,
      cwd: ws,
      remote: url,
      authHeader: wrong
    })
    const err = await store.readHistory('default').catch((e: unknown) => e)
    await store.close()
    expect(err).toBeInstanceOf(DataBranchError)
    const message = (err as Error).message
    expect(message).toMatch(/^could not fetch branch joulegate-data of http:\/\/127\.0\.0\.1:/)
    expect(message).not.toContain('ghs_wrongWRONGwrong')
    expect(message).not.toContain(wrong.split(' ').at(-1)!)
    for (const c of takeCalls()) expect(c.argv.join(' ')).not.toContain(wrong.split(' ').at(-1)!)
  })
})
