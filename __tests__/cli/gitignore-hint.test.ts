// measure without --out keeps its file under .joulegate/; when that folder is created inside a
// git repository that does not ignore it, the user is told once to add it to .gitignore.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_MEASUREMENT_FILE } from '../../src/cli/commands/measure.js'
import { watchNewFolder } from '../../src/cli/gitignore-hint.js'
import { validateMeasurement } from '../../src/core/history/measurement-codec.js'
import { emulateHost, runCli, type EmulatedHost } from '../helpers/cli-harness.js'

let host: EmulatedHost
beforeAll(() => {
  host = emulateHost(300)
})
afterAll(() => host.cleanup())

const HINT = /created \.joulegate\/ inside a git repository; add it to \.gitignore/

function makeRepo(name: string, gitignore?: string): string {
  const dir = join(host.root, name)
  mkdirSync(dir)
  const init = spawnSync('git', ['init', '-q'], { cwd: dir, env: host.env, encoding: 'utf8' })
  expect(init.status).toBe(0)
  if (gitignore !== undefined) writeFileSync(join(dir, '.gitignore'), gitignore)
  return dir
}

const measure = (cwd: string) =>
  runCli(['measure', '--idle-s', '0', '--', 'true'], { cwd, env: host.env })

describe('measure without --out', () => {
  it('writes the default file, says where, and recommends .gitignore once', async () => {
    const repo = makeRepo('plain')
    const first = await measure(repo)
    expect(first.code).toBe(0)
    expect(first.stderr).toContain(
      `measurement written to ${DEFAULT_MEASUREMENT_FILE} (the default; --out FILE writes it elsewhere)`
    )
    const file = join(repo, DEFAULT_MEASUREMENT_FILE)
    const data = JSON.parse(readFileSync(file, 'utf8')) as { schema: string; command: string }
    expect(data).toMatchObject({ schema: 'joulegate.measurement/v1', command: 'true' })
    expect(validateMeasurement(data, file).energyJ).toBeGreaterThan(0)
    expect(first.stderr).toMatch(HINT)
    expect(first.stderr).toContain("echo '.joulegate/' >> .gitignore")
    expect(first.stderr.match(HINT)).toHaveLength(1)
    // the folder exists now: the next run does not repeat the advice
    const second = await measure(repo)
    expect(second.code).toBe(0)
    expect(second.stderr).toContain(`measurement written to ${DEFAULT_MEASUREMENT_FILE}`)
    expect(second.stderr).not.toMatch(HINT)
  })

  it('says nothing about .gitignore when git already ignores the folder', async () => {
    const repo = makeRepo('ignored', 'node_modules/\n.joulegate/\n')
    const result = await measure(repo)
    expect(result.code).toBe(0)
    expect(existsSync(join(repo, DEFAULT_MEASUREMENT_FILE))).toBe(true)
    expect(result.stderr).not.toMatch(/gitignore/)
  })

  it('says nothing about .gitignore outside a repository', async () => {
    const dir = join(host.root, 'not-a-repo')
    mkdirSync(dir)
    const result = await measure(dir)
    expect(result.code).toBe(0)
    expect(existsSync(join(dir, DEFAULT_MEASUREMENT_FILE))).toBe(true)
    expect(result.stderr).not.toMatch(/gitignore/)
  })
})

describe('a --store folder of its own', () => {
  it('is named in the advice as it was created', async () => {
    const repo = makeRepo('custom-store')
    const lines: string[] = []
    const done = watchNewFolder('energy-history', repo, (l) => void lines.push(l))
    mkdirSync(join(repo, 'energy-history'))
    await done()
    expect(lines).toEqual([
      "joulegate: created energy-history/ inside a git repository; add it to .gitignore so that its measurements and locks are not committed: echo 'energy-history/' >> .gitignore"
    ])
  })

  it('a folder that was there before is not advised on', async () => {
    const repo = makeRepo('existing-store')
    mkdirSync(join(repo, 'energy-history'))
    const lines: string[] = []
    await watchNewFolder('energy-history', repo, (l) => void lines.push(l))()
    expect(lines).toEqual([])
  })
})
