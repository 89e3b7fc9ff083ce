import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { ACTION_INPUTS, readSettings } from '../../src/action/inputs.js'
import { UsageError } from '../../src/core/errors.js'

// The runner passes inputs as INPUT_<NAME upper-cased>, hyphens kept.
const envName = (input: string): string => `INPUT_${input.replace(/ /g, '_').toUpperCase()}`
const set = (inputs: Record<string, string>): void => {
  for (const [k, v] of Object.entries(inputs)) process.env[envName(k)] = v
}
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
  it('gives defaults that parse into the documented settings', () => {
    const defaults = Object.fromEntries(
      Object.entries(actionYml.inputs).map(([k, v]) => [k, v.default ?? ''])
    )
    set({ ...defaults, 'github-token': 'ghs_x' })
    expect(readSettings()).toMatchObject({
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
      intervalMs: 100
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
      'working-directory': 'model'
    })
    expect(readSettings()).toMatchObject({
      mode: 'record',
      command: 'python train.py',
      failOnBudget: false,
      idleSeconds: 0,
      carbonIntensity: 'FR',
      dataBranch: 'energy',
      workingDirectory: 'model'
    })
  })

  it.each([
    { input: 'repeat', value: 'abc', expected: /whole number/ },
    { input: 'repeat', value: '0', expected: /whole number/ },
    { input: 'mode', value: 'measure', expected: /one of check, record, calibrate, report/ },
    { input: 'fail-on-budget', value: 'maybe', expected: /true or false/ },
    { input: 'comment', value: 'sometimes', expected: /always, never/ },
    { input: 'pue', value: '0.5', expected: /number from 1/ },
    { input: 'idle-seconds', value: '-1', expected: /number from 0/ },
    { input: 'carbon-intensity', value: 'lots', expected: /number from 0/ },
    { input: 'trusted-code', value: 'yes please', expected: /true or false/ },
    { input: 'name', value: '../etc', expected: /letters, digits/ }
  ])(
    '$input: $value fails naming the input, the value and what was expected',
    ({ input, value, expected }) => {
      set({ [input]: value })
      let error: unknown = null
      try {
        readSettings()
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
