// The action shell in-process, as the runner drives it (INPUT_* with hyphens, GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH, GITHUB_API_URL -> a GitHub stand-in), with fake
// jobs whose outcomes the tests choose. The real jobs are exercised by e2e-dist.test.ts.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../../src/action/main.js'
import type { Jobs } from '../../src/action/jobs.js'
import type { StoreRequest } from '../../src/action/open-store.js'
import type { HistoryStore } from '../../src/adapters/store/store.js'
import { commentMarker } from '../../src/core/report/comment-selection.js'
import type { Settings } from '../../src/core/settings.js'
import type { Verdict } from '../../src/core/types.js'
import type { JobContext } from '../../src/usecases/check.js'
import type { CheckOutcome } from '../../src/usecases/result-file.js'
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js'

const mark = commentMarker('default')
let dir = ''
let stub: GitHubStub
let stdout = ''
const realWrite = process.stdout.write.bind(process.stdout)
const seen: {
  settings?: Settings
  ctx?: JobContext
  store?: StoreRequest
  rendered?: unknown
  reportCtx?: JobContext
} = {}

function outcome(verdict: Verdict, extra: Partial<CheckOutcome> = {}): CheckOutcome {
  return {
    verdict,
    report: `${mark}\n## joulegate: ${verdict}\n| | energy |\n| --- | --- |\n| this run | 0.02 kWh (counter) |\n`,
    summaryText: `verdict ${verdict}: energy +104.0%`,
    result: { schema: 'joulegate.result/v1', verdict, energyKwh: 0.02 },
    energyKwh: 0.02,
    normalizedEnergyKwh: null,
    energyDeltaPercent: 104,
    co2Grams: 9.5,
    commandExitCode: 0,
    interrupted: false,
    ...extra
  }
}

const emptyStore: HistoryStore = {
  description: 'fake',
  appendRecord: async () => undefined,
  readHistory: async () => [],
  readCalibration: async () => null,
  readCalibrationLog: async () => [],
  writeCalibration: async () => undefined,
  listSeries: async () => [],
  close: async () => undefined
}

function fakePipeline(result: CheckOutcome | ((ctx: JobContext) => Promise<CheckOutcome>)): Jobs {
  const check = async (settings: Settings, ctx: JobContext): Promise<CheckOutcome> => {
    seen.settings = settings
    seen.ctx = ctx
    return typeof result === 'function' ? result(ctx) : result
  }
  return {
    check,
    record: check,
    calibrate: async () => {
      throw new Error('not used')
    },
    report: async (json, _settings, ctx) => {
      seen.rendered = json
      seen.reportCtx = ctx
      return typeof result === 'function' ? outcome('pass') : result
    },
    openStore: async (request) => {
      seen.store = request
      return emptyStore
    }
  }
}

function setup(event: string, payload: object, inputs: Record<string, string>): void {
  const eventPath = join(dir, 'event.json')
  writeFileSync(eventPath, JSON.stringify(payload))
  for (const f of ['output', 'summary']) writeFileSync(join(dir, f), '')
  Object.assign(process.env, {
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_API_URL: stub.url,
    GITHUB_REPOSITORY: 'octo/ml',
    GITHUB_SHA: 'h1',
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: join(dir, 'tmp')
  })
  const all = { command: 'python train.py', 'github-token': 'ghs_default', ...inputs }
  for (const [k, v] of Object.entries(all)) process.env[`INPUT_${k.toUpperCase()}`] = v
}

/** Reads the name<<DELIMITER ... DELIMITER entries @actions/core writes to GITHUB_OUTPUT. */
function outputs(): Record<string, string> {
  const text = readFileSync(join(dir, 'output'), 'utf8')
  const out: Record<string, string> = {}
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm))
    out[m[1] as string] = m[3] as string
  return out
}

const pullPayload = (headRepo = 'octo/ml') => ({
  pull_request: {
    number: 7,
    base: { sha: 'b1', repo: { full_name: 'octo/ml' } },
    head: { sha: 'h1', repo: { full_name: headRepo } }
  }
})

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jg-action-'))
  stub = await startGitHubStub({
    tokens: {
      ghs_default: { login: 'github-actions[bot]', type: 'Bot' },
      ghs_readonly: { login: 'github-actions[bot]', type: 'Bot', readOnly: true }
    }
  })
  stub.addComment(7, `> ${mark} quoted by a person`, { login: 'alice', type: 'User' })
  stdout = ''
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk)
    return true
  }) as typeof process.stdout.write
  for (const k of Object.keys(seen)) delete seen[k as keyof typeof seen]
})

afterEach(async () => {
  process.stdout.write = realWrite
  process.exitCode = undefined
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key]
  await stub.close()
})

describe('mode check', () => {
  it('fails the step on verdict fail after writing outputs, summary, files and one comment', async () => {
    setup('pull_request', pullPayload(), {})
    await run(fakePipeline(outcome('fail')))
    expect(process.exitCode).toBe(1)
    expect(stdout).toMatch(/::error::joulegate: verdict fail for series default/)
    const out = outputs()
    expect(out).toMatchObject({
      verdict: 'fail',
      'energy-kwh': '0.02',
      'energy-delta-percent': '104',
      'co2-grams': '9.5',
      'normalized-energy-kwh': ''
    })
    expect(readFileSync(out['report'] as string, 'utf8')).toContain('## joulegate: fail')
    const result = JSON.parse(readFileSync(out['result'] as string, 'utf8'))
    expect(result.github).toMatchObject({
      pullRequest: 7,
      baseSha: 'b1',
      headSha: 'h1',
      series: 'default'
    })
    expect(readFileSync(join(dir, 'summary'), 'utf8')).toContain('| this run |')
    expect(stub.comments(7)).toHaveLength(2)
    expect(stub.comments(7)[1]).toMatchObject({ user: { login: 'github-actions[bot]' } })
    expect(seen.ctx).toMatchObject({ baseSha: 'b1', headSha: 'h1' })
    expect(seen.store).toMatchObject({ branch: 'joulegate-data', writable: false })
    expect(seen.settings?.record).toBe(false)
  })

  it('updates its own comment on the next run and only warns when fail-on-budget is false', async () => {
    setup('pull_request', pullPayload(), { 'fail-on-budget': 'false' })
    await run(fakePipeline(outcome('fail')))
    await run(fakePipeline(outcome('fail', { report: `${mark}\nsecond` })))
    expect(process.exitCode).toBeUndefined()
    expect(stdout).toMatch(/::warning::joulegate: verdict fail .*fail-on-budget is false/)
    expect(stub.comments(7).map((c) => c.body)).toEqual([
      `> ${mark} quoted by a person`,
      `${mark}\nsecond`
    ])
    expect(stub.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1)
  })

  it('turns a 403 into a warning; the verdict still decides the step', async () => {
    setup('pull_request', pullPayload(), { 'github-token': 'ghs_readonly' })
    await run(fakePipeline(outcome('pass')))
    expect(process.exitCode).toBeUndefined()
    expect(stdout).toMatch(/::warning::joulegate: could not comment on #7 \(HTTP 403/)
    expect(outputs()['verdict']).toBe('pass')
  })

  it('an exhausted rate limit is a warning that says so; a passing check still passes', async () => {
    setup('pull_request', pullPayload(), {})
    const reset = String(Math.ceil(Date.now() / 1000) + 3600)
    stub.queueFaults('GET', /\/comments$/, [
      { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } }
    ])
    await run(fakePipeline(outcome('pass')))
    expect(process.exitCode).toBeUndefined()
    expect(stdout).toMatch(/::warning::joulegate: could not comment on #7 \(.*rate limited/)
    expect(stdout).not.toMatch(/read-only/)
    expect(outputs()['verdict']).toBe('pass')
  })

  it('a fork pull request writes the result file and calls no API', async () => {
    setup('pull_request', pullPayload('mallory/ml'), { 'result-file': 'out/result.json' })
    await run(fakePipeline(outcome('pass')))
    expect(stub.requests).toHaveLength(0)
    expect(outputs()['result']).toBe(join(dir, 'out', 'result.json'))
    expect(
      JSON.parse(readFileSync(join(dir, 'out', 'result.json'), 'utf8')).github.pullRequest
    ).toBe(7)
  })

  it('fails the step when the command fails, whatever the verdict', async () => {
    setup('pull_request', pullPayload(), { 'fail-on-budget': 'false' })
    await run(fakePipeline(outcome('pass', { commandExitCode: 3 })))
    expect(process.exitCode).toBe(1)
    expect(stdout).toMatch(/command exited with status 3/)
  })

  it('forwards SIGINT to the pipeline and still reports the partial run', async () => {
    setup('pull_request', pullPayload(), {})
    const waitForAbort = (ctx: JobContext): Promise<CheckOutcome> =>
      new Promise((resolve) =>
        ctx.signal?.addEventListener('abort', () =>
          resolve(outcome('inconclusive', { interrupted: true, commandExitCode: null }))
        )
      )
    const done = run(fakePipeline(waitForAbort))
    await new Promise((r) => setTimeout(r, 50))
    process.emit('SIGINT')
    await done
    expect(process.exitCode).toBe(1)
    expect(outputs()['verdict']).toBe('inconclusive')
    expect(stdout).toMatch(/cancelled; the partial measurement was reported/)
  })
})

describe('input and policy errors', () => {
  it('repeat: abc fails the step naming the input, before anything runs', async () => {
    setup('pull_request', pullPayload(), { repeat: 'abc' })
    await run(fakePipeline(outcome('pass')))
    expect(process.exitCode).toBe(1)
    expect(stdout).toMatch(/::error::joulegate: repeat: got "abc", expected a whole number/)
    expect(seen.store).toBeUndefined()
  })

  it('record never writes history from a pull request run', async () => {
    setup('pull_request', pullPayload(), { mode: 'record' })
    await run(fakePipeline(outcome('pass')))
    expect(process.exitCode).toBe(1)
    expect(seen.store).toBeUndefined()
  })

  it('record on push opens a writable store and does not judge', async () => {
    setup('push', { ref: 'refs/heads/main' }, { mode: 'record' })
    await run(fakePipeline(outcome('fail')))
    expect(process.exitCode).toBeUndefined()
    expect(seen.store?.writable).toBe(true)
    expect(seen.settings?.record).toBe(true)
    expect(stub.requests).toHaveLength(0)
  })
})

describe('mode report (workflow_run)', () => {
  const resultFile = (pullRequest: number) => {
    writeFileSync(
      join(dir, 'result.json'),
      JSON.stringify({ schema: 'joulegate.result/v1', github: { pullRequest } })
    )
    return { mode: 'report', command: '', 'result-file': 'result.json' }
  }

  it('comments on the pull request whose head is the measured commit', async () => {
    setup(
      'workflow_run',
      { workflow_run: { head_sha: 'h9', event: 'pull_request', pull_requests: [] } },
      resultFile(7)
    )
    stub.setPull(7, 'h9')
    await run(fakePipeline(outcome('pass')))
    expect(seen.rendered).toMatchObject({ github: { pullRequest: 7 } })
    expect(stub.comments(7)).toHaveLength(2)
  })

  it('refuses to comment where the result names another pull request', async () => {
    setup(
      'workflow_run',
      { workflow_run: { head_sha: 'h9', event: 'pull_request', pull_requests: [] } },
      resultFile(7)
    )
    stub.setPull(7, 'other')
    await run(fakePipeline(outcome('pass')))
    expect(stdout).toMatch(
      /::warning::joulegate: the result names pull request #7, whose head \(other\)/
    )
    expect(stub.comments(7)).toHaveLength(1)
  })

  it('names result-file when it is missing', async () => {
    setup(
      'workflow_run',
      { workflow_run: { head_sha: 'h9' } },
      { mode: 'report', command: '', 'result-file': 'nope.json' }
    )
    await run(fakePipeline(outcome('pass')))
    expect(process.exitCode).toBe(1)
    expect(stdout).toMatch(
      /::error::joulegate: result-file: got "nope.json", expected a readable result JSON/
    )
  })

  it.each([
    { verdict: 'fail' as const, extra: {}, state: 'failure' },
    { verdict: 'pass' as const, extra: {}, state: 'success' },
    {
      verdict: 'inconclusive' as const,
      extra: { budgetProblem: 'no budget file .github/joulegate.yml in this checkout' },
      state: 'error'
    }
  ])(
    'sets commit status joulegate/default to $state on the measured head for $verdict',
    async ({ verdict, extra, state }) => {
      setup(
        'workflow_run',
        { workflow_run: { head_sha: 'h9', event: 'pull_request', pull_requests: [] } },
        resultFile(7)
      )
      stub.setPull(7, 'h9', 'b9')
      await run(fakePipeline(outcome(verdict, extra)))
      expect(stub.statuses('h9')).toEqual([
        expect.objectContaining({ state, context: 'joulegate/default' })
      ])
      expect(seen.reportCtx).toMatchObject({ baseSha: 'b9', headSha: 'h9' })
      expect(seen.store?.writable).toBe(false)
    }
  )

  it('warns, and still decides the step, when the token may not set statuses', async () => {
    setup(
      'workflow_run',
      { workflow_run: { head_sha: 'h9', event: 'pull_request', pull_requests: [] } },
      { ...resultFile(7), 'github-token': 'ghs_readonly' }
    )
    stub.setPull(7, 'h9', 'b9')
    await run(fakePipeline(outcome('fail')))
    expect(stdout).toMatch(/::warning::joulegate: could not set commit status joulegate\/default/)
    expect(process.exitCode).toBe(1)
  })
})
