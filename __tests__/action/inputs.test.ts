import { afterAll, afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ACTION_INPUTS, readSettings } from '../../src/action/inputs.js'
import { UsageError } from '../../src/core/errors.js'
import { CALIBRATE, OUTPUTS } from '../../src/core/settings.js'

// The runner passes inputs as INPUT_<NAME upper-cased>, hyphens kept.
const envName = (input: string): string => `INPUT_${input.replace(/ /g, '_').toUpperCase()}`
const set = (inputs: Record<string, string>): void => {
  for (const [k, v] of Object.entries(inputs)) process.env[envName(k)] = v
}
// A workspace as the runner lays it out, with a link that leaves it (a pull request can add one).
const root = mkdtempSync(join(tmpdir(), 'jg-inputs-'))
const workspace = join(root, 'ws')
mkdirSync(join(workspace, 'model', 'sub'), { recursive: true })
symlinkSync('/etc', join(workspace, 'etc-link'))
symlinkSync(join(workspace, 'model'), join(workspace, 'model-link'))
const savedWorkspace = process.env.GITHUB_WORKSPACE
process.env.GITHUB_WORKSPACE = workspace
afterAll(() => {
  if (savedWorkspace === undefined) delete process.env.GITHUB_WORKSPACE
  else process.env.GITHUB_WORKSPACE = savedWorkspace
  rmSync(root, { recursive: true, force: true })
})
afterEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key]
})

const actionYml = parse(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
  runs: Record<string, string>
}

describe('action.yml', () => {
  it('declares exactly the inputs the action reads', () => {
    expect(Object.keys(actionYml.inputs).sort()).toEqual([...ACTION_INPUTS].sort())
  })
  it('declares the contract outputs and runs on node24 from dist/index.js', () => {
    expect(Object.keys(actionYml.outputs).sort()).toEqual([
      'co2-grams',
      'energy-delta-percent',
      'energy-kwh',
      'normalized-energy-kwh',
      'report',
      'result',
      'verdict'
    ])
    expect(actionYml.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })
  it('declares exactly the outputs the action sets', () => {
    expect(Object.keys(actionYml.outputs).sort()).toEqual(Object.values(OUTPUTS).sort())
  })
  it('gives defaults that parse into the documented settings', () => {
    const defaults = Object.fromEntries(
      Object.entries(actionYml.inputs).map(([k, v]) => [k, v.default ?? ''])
    )
    set({ ...defaults, 'github-token': 'ghs_x' })
    expect(readSettings(process.env)).toMatchObject({
      mode: 'check',
      name: 'default',
      repeat: 1,
      budgetFile: '.github/joulegate.yml',
      comment: 'always',
      dataBranch: 'joulegate-data',
      failOnBudget: true,
      idleSeconds: 10,
      pue: 1,
      carbonIntensity: null,
      trustedCode: false,
      commentAuthor: null,
      resultFile: null,
      intervalMs: 100,
      calibrationRuns: 3,
      calibrationCooldownSeconds: 5,
      quick: false
    })
    // the action's calibrate mode runs what `joulegate calibrate` runs by default
    expect(readSettings(process.env)).toMatchObject({
      calibrationRuns: CALIBRATE.runs,
      calibrationCooldownSeconds: CALIBRATE.cooldownSeconds
    })
  })
})

describe('readSettings from INPUT_* variables', () => {
  it('reads hyphenated inputs', () => {
    set({
      mode: 'record',
      command: 'python train.py',
      'fail-on-budget': 'false',
      'idle-seconds': '0',
      'carbon-intensity': 'fr',
      'data-branch': 'energy',
      'working-directory': 'model',
      'calibration-runs': '5',
      'calibration-cooldown-seconds': '2.5'
    })
    expect(readSettings(process.env)).toMatchObject({
      mode: 'record',
      command: 'python train.py',
      failOnBudget: false,
      idleSeconds: 0,
      carbonIntensity: 'FR',
      dataBranch: 'energy',
      workingDirectory: 'model',
      calibrationRuns: 5,
      calibrationCooldownSeconds: 2.5
    })
  })

  it('keeps a working directory inside the workspace, links followed', () => {
    for (const [value, want] of [
      ['model', 'model'],
      ['./model/sub/..', 'model'],
      [join(workspace, 'model', 'sub'), join('model', 'sub')],
      ['model-link', 'model'],
      ['.', '.']
    ]) {
      set({ 'working-directory': value })
      expect(readSettings(process.env).workingDirectory).toBe(want)
    }
  })

  it.each(['joulegate-data', 'energy/history', 'v1.2_x', 'main-history'])(
    'accepts data branch %j, which git accepts too',
    (branch) => {
      set({ 'data-branch': branch })
      expect(readSettings(process.env).dataBranch).toBe(branch)
      expect(() =>
        execFileSync('git', ['check-ref-format', '--branch', branch], { stdio: 'pipe' })
      ).not.toThrow()
    }
  )

  it.each([
    { input: 'repeat', value: 'abc', expected: /whole number/ },
    { input: 'repeat', value: '0', expected: /whole number/ },
    { input: 'mode', value: 'measure', expected: /one of check, record, calibrate, report/ },
    { input: 'fail-on-budget', value: 'maybe', expected: /true or false/ },
    { input: 'comment', value: 'sometimes', expected: /always, never/ },
    { input: 'pue', value: '0.5', expected: /number from 1/ },
    { input: 'idle-seconds', value: '-1', expected: /number from 0/ },
    { input: 'calibration-runs', value: '0', expected: /a whole number from 1 to 50/ },
    { input: 'calibration-runs', value: '2.5', expected: /a whole number from 1 to 50/ },
    {
      input: 'calibration-cooldown-seconds',
      value: 'soon',
      expected: /a number from 0 to 600/
    },
    { input: 'calibration-cooldown-seconds', value: '-1', expected: /a number from 0 to 600/ },
    { input: 'carbon-intensity', value: 'lots', expected: /number from 0/ },
    { input: 'trusted-code', value: 'yes please', expected: /true or false/ },
    { input: 'name', value: '../etc', expected: /letters, digits/ },
    { input: 'data-branch', value: 'main', expected: /a branch of its own .*main\/master/ },
    { input: 'data-branch', value: 'Master', expected: /a branch of its own/ },
    { input: 'data-branch', value: 'HEAD', expected: /a branch of its own.*HEAD/ },
    { input: 'data-branch', value: 'refs/heads/main', expected: /a branch of its own/ },
    { input: 'data-branch', value: '--upload-pack=x', expected: /a git branch name/ },
    { input: 'data-branch', value: 'a..b', expected: /a git branch name/ },
    { input: 'data-branch', value: 'x/.hidden', expected: /a git branch name/ },
    { input: 'data-branch', value: 'x.lock/y', expected: /a git branch name/ },
    { input: 'data-branch', value: 'x@{1}', expected: /a git branch name/ },
    { input: 'data-branch', value: 'x.', expected: /a git branch name/ },
    { input: 'working-directory', value: '/etc', expected: /a directory inside the workspace/ },
    { input: 'working-directory', value: '../..', expected: /a directory inside the workspace/ },
    {
      input: 'working-directory',
      value: 'model/../../..',
      expected: /a directory inside the workspace/
    },
    {
      input: 'working-directory',
      value: 'etc-link',
      expected: /a directory inside the workspace .* \(it resolves to \/etc\)$/
    },
    { input: 'working-directory', value: 'missing', expected: /inside the workspace .*ENOENT/ }
  ])(
    '$input: $value fails naming the input, the value and what was expected',
    ({ input, value, expected }) => {
      set({ [input]: value })
      let error: unknown = null
      try {
        readSettings(process.env)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(UsageError)
      const message = (error as Error).message
      expect(message.startsWith(`${input}:`)).toBe(true)
      expect(message).toContain(JSON.stringify(value))
      expect(message).toMatch(expected)
    }
  )
})
