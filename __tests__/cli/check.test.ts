// Issue 4's external scenario for `node dist/cli.js check`, on an emulated host: the fake GPU draws
// a constant 300 W and the CPU counter does not move, so a run's energy is 300 W × its duration.
// The command is `sh -c '... sleep S'`: sh and sleep start in milliseconds even on a loaded CI
// machine (node's start-up would not), so "twice the energy" really is about twice. No timing is
// asserted; the margins are wide: at the default 5% noise floor the doubled run's interval is
// roughly +70%..+130% against a 10% budget.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { emulateHost, runCli, type CliResult, type EmulatedHost } from '../helpers/cli-harness.js'

let host: EmulatedHost
let repo = ''
let head = ''

/** Sleeps $1 seconds after reporting psds1 = $2 through the metrics protocol. */
const trainer = (seconds: number, psds1: number): string[] => [
  'sh',
  '-c',
  'printf \'{"psds1": %s}\\n\' "$2" >> "$JOULEGATE_METRICS_FILE"; sleep "$1"',
  'trainer',
  seconds.toFixed(1),
  String(psds1)
]

const writeBudget = (dir: string, yaml: string): void => {
  mkdirSync(join(dir, '.github'), { recursive: true })
  writeFileSync(join(dir, '.github', 'joulegate.yml'), yaml)
}
const ENERGY_ONLY = 'budget:\n  energy-increase: 10%\n'
const PRICED = [
  'metrics:',
  '  psds1: higher',
  'budget:',
  '  energy-increase: 10%',
  '  price:',
  '    metric: psds1',
  // 1 kWh per +1.0 psds1: +0.1 pays for 0.1 kWh, about a thousand times this run's 0.0001 kWh
  '    kwh-per-unit: 1',
  ''
].join('\n')

const check = (args: string[], command: string[], cwd = repo): Promise<CliResult> =>
  runCli(['check', '--idle-s', '0', ...args, '--', ...command], { cwd, env: host.env })

/** The terminal report's line for `rule`: its status, before the figures. */
function ruleStatus(report: string, rule: string): string {
  const row = report.split('\n').find((l) => l.startsWith(`  - ${rule}: `))
  if (!row) throw new Error(`no "${rule}" line in the report:\n${report}`)
  return row.slice(`  - ${rule}: `.length).split('; ')[0]!
}
const headline = (report: string): string => report.split('\n')[0]!

beforeAll(async () => {
  host = emulateHost(300)
  repo = join(host.root, 'repo')
  mkdirSync(repo)
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: repo,
      env: host.env,
      encoding: 'utf8'
    }).trim()
  git('init', '-q')
  writeBudget(repo, ENERGY_ONLY)
  git('add', '.')
  git('commit', '-q', '-m', 'budget')
  head = git('rev-parse', 'HEAD')
  const recorded = await check(['--record'], trainer(1.0, 0.5))
  expect(recorded.stderr).toContain('recorded this run')
  expect(recorded.code).toBe(0)
})
afterAll(() => host.cleanup())

describe('joulegate check against a recorded baseline (issue 4)', () => {
  it('recorded the baseline in the default store, for the commit', () => {
    expect(readdirSync(join(repo, '.joulegate'), { recursive: true })).toContain(
      join('history', 'default.jsonl')
    )
  })

  it('fails a run with about twice the energy against a 10% budget, naming energy-increase', async () => {
    const r = await check([], trainer(2.0, 0.5))
    expect(r.code).toBe(1)
    expect(ruleStatus(r.stdout, 'energy-increase')).toBe('❌ fail')
    // the first line gives the verdict, the change and the limit that decided it
    expect(headline(r.stdout)).toMatch(
      /^❌ Fail: energy \+\d+% over base \(\+[\d.]+ (J|Wh)\); budget allows \+10%\.$/
    )
    expect(r.stdout).not.toMatch(/<!--|<details>|mermaid/)
    expect(r.stdout).toContain(head.slice(0, 7))
  })

  it('passes the same doubled run when its metric gain pays for the energy (price)', async () => {
    writeBudget(repo, PRICED)
    const r = await check([], trainer(2.0, 0.6))
    expect(r.code).toBe(0)
    expect(ruleStatus(r.stdout, 'price')).toBe('✅ pass')
    expect(ruleStatus(r.stdout, 'energy-increase')).toBe(
      '➖ not deciding: the price rule judges energy, since the metric gain can pay for it (alone it would fail)'
    )
    expect(r.stdout).toMatch(/gain psds1 \+0\.1 \(higher is better\)/)
  })

  it('still fails the doubled run under that budget when the metric did not improve', async () => {
    writeBudget(repo, PRICED)
    const r = await check([], trainer(2.0, 0.5))
    expect(r.code).toBe(1)
    expect(ruleStatus(r.stdout, 'price')).toBe('❌ fail')
    expect(r.stdout).toMatch(/pays for nothing/)
  })

  it("passes a run at the baseline's cost (pass, or inconclusive within the noise)", async () => {
    writeBudget(repo, ENERGY_ONLY)
    const r = await check([], trainer(1.0, 0.5))
    expect(r.code).toBe(0)
    expect(['✅ pass', '⚠️ inconclusive']).toContain(ruleStatus(r.stdout, 'energy-increase'))
  })

  it('refuses a misspelt budget key with exit 2, naming the key, before running anything', async () => {
    const dir = mkdtempSync(join(host.root, 'not-a-repo-'))
    writeBudget(dir, 'budget:\n  energy-increse: 10%\n')
    const marker = join(dir, 'ran')
    const r = await check([], ['sh', '-c', `touch '${marker}'`], dir)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/budget\.energy-increse: unknown key/)
    expect(r.stderr).toMatch(/did you mean energy-increase/)
    expect(readdirSync(dir)).not.toContain('ran')
  })

  it('outside a git repository, takes the newest record of the store as the baseline', async () => {
    const dir = mkdtempSync(join(host.root, 'plain-'))
    writeBudget(dir, ENERGY_ONLY)
    const store = join(repo, '.joulegate')
    const r = await check(['--store', store], trainer(2.0, 0.5), dir)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/no git history/)
    expect(ruleStatus(r.stdout, 'energy-increase')).toBe('❌ fail')
  })

  it('records a failed run when asked, but never takes it as the baseline', async () => {
    writeBudget(repo, ENERGY_ONLY)
    const failed = await check(['--record'], ['sh', '-c', 'sleep 0.2; exit 3'])
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/the command exited with 3; the check fails/)
    // a run at the first baseline's cost is still compared with that baseline (against the
    // 0.2 s failed run it would be a +400% increase and fail)
    const r = await check([], trainer(1.0, 0.5))
    expect(r.code).toBe(0)
    expect(['✅ pass', '⚠️ inconclusive']).toContain(ruleStatus(r.stdout, 'energy-increase'))
  })
})
