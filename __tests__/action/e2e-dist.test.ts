// End to end: spawns the bundle `node dist/index.js` the way the runner does (INPUT_* with
// hyphens, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH, GITHUB_API_URL -> a local
// GitHub stand-in with a crowded thread), a local bare repository as origin, HOME empty so no git
// identity exists, and the fake nvidia-smi at a constant 200 W so energy follows duration.
//
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { commentMarker } from '../../src/core/report/comment-selection.js'
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js'

const DIST = resolve('dist/index.js')
const FAKE_SMI = resolve('__tests__/fixtures/nvidia-smi/nvidia-smi')
const mark = commentMarker('default')

let root = ''
let workspace = ''
let origin = ''
let stub: GitHubStub
let baseSha = ''
let headSha = ''
let forged: unknown = null

// Only the test's own setup commits need an identity; the action itself gets none.
const setupGit = (args: string[], cwd: string): string =>
  execFileSync(
    'git',
    [
      '-c',
      'user.name=setup',
      '-c',
      'user.email=setup@example.com',
      '-c',
      'init.defaultBranch=main',
      ...args
    ],
    { cwd, encoding: 'utf8', env: { ...process.env, HOME: root } }
  ).trim()

interface ActionRun {
  code: number | null
  stdout: string
  outputs: Record<string, string>
  summary: string
}

/** Runs the bundle as the runner would; async, because the stub answers from this process. */
async function runAction(
  event: string,
  payload: object,
  inputs: Record<string, string>
): Promise<ActionRun> {
  const run = mkdtempSync(join(root, 'run-'))
  for (const f of ['output', 'summary']) writeFileSync(join(run, f), '')
  writeFileSync(join(run, 'event.json'), JSON.stringify(payload))
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: join(root, 'home'),
    GIT_CONFIG_NOSYSTEM: '1',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: join(run, 'event.json'),
    GITHUB_OUTPUT: join(run, 'output'),
    GITHUB_STEP_SUMMARY: join(run, 'summary'),
    GITHUB_API_URL: stub.url,
    GITHUB_REPOSITORY: 'octo/ml',
    GITHUB_SHA: event === 'push' ? baseSha : headSha,
    GITHUB_WORKSPACE: workspace,
    GITHUB_RUN_ID: '42',
    RUNNER_TEMP: run,
    JOULEGATE_NVIDIA_SMI: FAKE_SMI,
    JOULEGATE_SYSFS_ROOT: join(root, 'sysfs'),
    JOULEGATE_FAKE_GPUS: JSON.stringify([
      {
        name: 'NVIDIA A40',
        uuid: 'GPU-e2e',
        busId: '00000000:01:00.0',
        powerLimitW: 300,
        power: 200
      }
    ])
  }
  const all = { 'github-token': 'ghs_default', 'idle-seconds': '0', 'interval-ms': '50', ...inputs }
  for (const [k, v] of Object.entries(all)) env[`INPUT_${k.toUpperCase()}`] = v
  const child = spawn(process.execPath, [DIST], {
    cwd: workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
  child.stderr.on('data', (b: Buffer) => (stdout += b.toString()))
  const code = await new Promise<number | null>((done) => child.on('close', done))
  const outputs: Record<string, string> = {}
  for (const m of readFileSync(join(run, 'output'), 'utf8').matchAll(
    /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm
  ))
    outputs[m[1] as string] = m[3] as string
  return { code, stdout, outputs, summary: readFileSync(join(run, 'summary'), 'utf8') }
}

const pullPayload = () => ({
  pull_request: {
    number: 7,
    base: { sha: baseSha, ref: 'main', repo: { full_name: 'octo/ml' } },
    head: { sha: headSha, ref: 'feature', repo: { full_name: 'octo/ml' } }
  }
})

describe('dist/index.js end to end', () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'jg-e2e-'))
    for (const d of ['home', 'sysfs']) mkdirSync(join(root, d))
    origin = join(root, 'origin.git')
    workspace = join(root, 'workspace')
    setupGit(['init', '--bare', origin], root)
    setupGit(['init', workspace], root)
    mkdirSync(join(workspace, '.github'))
    writeFileSync(join(workspace, '.github', 'joulegate.yml'), 'budget:\n  energy-increase: 10%\n')
    writeFileSync(join(workspace, 'train.sh'), 'sleep "$1"\n')
    setupGit(['add', '.'], workspace)
    setupGit(['commit', '-m', 'base'], workspace)
    baseSha = setupGit(['rev-parse', 'HEAD'], workspace)
    setupGit(['remote', 'add', 'origin', origin], workspace)
    setupGit(['push', 'origin', 'main'], workspace)
    stub = await startGitHubStub()
    for (let i = 0; i < 140; i++)
      stub.addComment(7, i === 20 ? `> ${mark} (a person quoting)` : `comment ${i}`, {
        login: 'alice',
        type: 'User'
      })
    stub.addComment(7, `${mark} mirrored by another bot`, { login: 'codecov[bot]', type: 'Bot' })
  }, 60_000)

  afterAll(async () => {
    await stub?.close()
  })

  it('record writes history on the data branch', async () => {
    const res = await runAction(
      'push',
      { ref: 'refs/heads/main' },
      { mode: 'record', command: 'sh train.sh 1' }
    )
    expect(res.code).toBe(0)
    const history = setupGit(
      ['--git-dir', origin, 'show', 'joulegate-data:history/default.jsonl'],
      root
    )
    expect(history.split('\n')).toHaveLength(1)
    expect(JSON.parse(history).commit).toBe(baseSha)
    // the PR head, one commit on top of the base
    writeFileSync(join(workspace, 'train.sh'), 'sleep "$1"  # slower model\n')
    setupGit(['commit', '-am', 'head'], workspace)
    headSha = setupGit(['rev-parse', 'HEAD'], workspace)
  }, 60_000)

  it('a check at about twice the energy fails, comments once, and writes a table to the summary', async () => {
    const before = stub.comments(7).length
    const res = await runAction('pull_request', pullPayload(), { command: 'sh train.sh 2' })
    expect(res.code).not.toBe(0)
    expect(res.outputs['verdict']).toBe('fail')
    expect(Number(res.outputs['energy-delta-percent'])).toBeGreaterThan(50)
    const comments = stub.comments(7)
    expect(comments).toHaveLength(before + 1)
    const ours = comments.at(-1)
    expect(ours?.user.login).toBe('github-actions[bot]')
    expect(ours?.body).toContain(mark)
    expect(ours?.body).toMatch(/\+\d+(\.\d+)?\s*%/)
    expect(res.summary).toMatch(/^\|.*\|$/m)
  }, 60_000)

  it('the same check again edits that comment only', async () => {
    const before = stub.comments(7).map((c) => ({ ...c }))
    const writesBefore = stub.requests.filter((r) => r.method !== 'GET').length
    const res = await runAction('pull_request', pullPayload(), { command: 'sh train.sh 2' })
    expect(res.outputs['verdict']).toBe('fail')
    const writes = stub.requests.filter((r) => r.method !== 'GET').slice(writesBefore)
    const ours = before.at(-1)
    expect(writes).toEqual([
      expect.objectContaining({
        method: 'PATCH',
        path: `/repos/octo/ml/issues/comments/${ours?.id}`
      })
    ])
    const after = stub.comments(7)
    expect(after).toHaveLength(before.length)
    expect(after.slice(0, -1).map((c) => c.body)).toEqual(before.slice(0, -1).map((c) => c.body))
  }, 60_000)

  it("a check at the baseline's cost does not fail", async () => {
    const res = await runAction('pull_request', pullPayload(), { command: 'sh train.sh 1' })
    expect(res.code).toBe(0)
    expect(res.outputs['verdict']).not.toBe('fail')
  }, 60_000)

  it('repeat: abc fails naming the input', async () => {
    const res = await runAction('pull_request', pullPayload(), {
      command: 'sh train.sh 1',
      repeat: 'abc'
    })
    expect(res.code).not.toBe(0)
    expect(res.stdout).toMatch(/::error::.*repeat: got "abc"/)
  }, 60_000)

  it("a pull request that deletes the budget still fails on the base's budget", async () => {
    setupGit(['rm', '-q', '.github/joulegate.yml'], workspace)
    setupGit(['commit', '-qm', 'drop the budget'], workspace)
    headSha = setupGit(['rev-parse', 'HEAD'], workspace)
    const res = await runAction('pull_request', pullPayload(), { command: 'sh train.sh 2' })
    expect(res.outputs['verdict']).toBe('fail')
    expect(res.code).not.toBe(0)
    const report = readFileSync(res.outputs['report'] as string, 'utf8')
    expect(report).toMatch(
      /it deletes \.github\/joulegate\.yml\. The new budget applies after merge/
    )
    forged = JSON.parse(readFileSync(res.outputs['result'] as string, 'utf8'))
  }, 60_000)

  it('report mode does not pass a forged result: 5000% budget, forged baseline, "lots" of energy', async () => {
    // the reporting workflow's checkout is the base repository's default branch
    setupGit(['checkout', '-q', baseSha], workspace)
    const forge = forged as { budget: object; baseline: { record: object }; record: object }
    forge.budget = { ...forge.budget, energyIncrease: 50 }
    forge.baseline.record = { ...forge.baseline.record, measurement: { energyJ: 1e9 } }
    const wr = { workflow_run: { head_sha: headSha, event: 'pull_request', pull_requests: [] } }
    stub.setPull(7, headSha, baseSha)
    const file = join(root, 'forged.json')
    writeFileSync(file, JSON.stringify(forge))
    const res = await runAction('workflow_run', wr, { mode: 'report', 'result-file': file })
    expect(res.outputs['verdict']).toBe('fail')
    expect(stub.statuses(headSha).at(-1)).toMatchObject({ state: 'failure' })
    const lots = structuredClone(forge) as { record: { measurement: { energyJ: unknown } } }
    lots.record.measurement.energyJ = 'lots'
    writeFileSync(file, JSON.stringify(lots))
    const bad = await runAction('workflow_run', wr, { mode: 'report', 'result-file': file })
    expect(bad.code).not.toBe(0)
    expect(bad.outputs['verdict']).toBeUndefined()
    expect(bad.stdout).toMatch(/result-file \/record\/measurement\/energyJ: got "lots"/)
  }, 60_000)
})
