import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readPersistedAuthHeader, tokenAuthHeader } from '../../../src/adapters/git.js'

const root = mkdtempSync(join(tmpdir(), 'jg-auth-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, HOME: root, GIT_CONFIG_NOSYSTEM: '1' }
  })

describe('credentials for the data branch', () => {
  it('reads the header actions/checkout persists in the workspace', async () => {
    const repo = join(root, 'with')
    git(root, 'init', '-q', repo)
    // what actions/checkout runs (persist-credentials: true)
    git(
      repo,
      'config',
      '--local',
      'http.https://github.com/.extraheader',
      'AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46c2VjcmV0'
    )
    expect(await readPersistedAuthHeader({ cwd: repo, env: process.env })).toBe(
      'AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46c2VjcmV0'
    )
  })

  it('finds none in a checkout without persisted credentials, or outside git', async () => {
    const repo = join(root, 'without')
    git(root, 'init', '-q', repo)
    expect(await readPersistedAuthHeader({ cwd: repo, env: process.env })).toBeNull()
    expect(await readPersistedAuthHeader({ cwd: root, env: process.env })).toBeNull()
  })

  it('builds the same header checkout would from a token', () => {
    expect(tokenAuthHeader('secret')).toBe('AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46c2VjcmV0')
  })
})
