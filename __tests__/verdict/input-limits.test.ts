// Inputs far larger or deeper than any real budget or joulegate file are refused at once with a
// clear message: no 28 s parse of a 600 KB budget, no raw stack trace for an alias bomb or deep
// nesting, and a bad value is quoted as a short excerpt, never megabytes of it.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UsageError } from '../../src/core/errors.js'
import { parseBudget } from '../../src/core/budget/parse-budget.js'
import { readJsonFile } from '../../src/adapters/read-json-file.js'
import { MAX_BUDGET_BYTES, MAX_JSON_BYTES, MAX_NESTING } from '../../src/core/input-limits.js'

function budgetError(text: string): UsageError {
  try {
    parseBudget(text, '.github/joulegate.yml')
  } catch (error) {
    return error as UsageError
  }
  throw new Error('the budget was accepted')
}

describe('budget input limits', () => {
  it('refuses a budget over 64 KiB at once, naming the limit', () => {
    const big = `budget:\n  energy-increase: 10%\n${'# padding line of a committed log\n'.repeat(20000)}`
    const started = Date.now()
    const e = budgetError(big)
    expect(Date.now() - started).toBeLessThan(1000)
    expect(e).toBeInstanceOf(UsageError)
    expect(e.message).toMatch(
      /\.github\/joulegate\.yml: .* KiB, larger than a budget file can be \(at most 64\.0 KiB\)/
    )
    expect(MAX_BUDGET_BYTES).toBe(65536)
  })

  it('refuses a YAML alias bomb with a clear error, not a stack trace', () => {
    const rows = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e']
    ])
      rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`)
    const e = budgetError(rows.join('\n') + '\n')
    expect(e).toBeInstanceOf(UsageError)
    expect(e.message).toMatch(/YAML aliases expand too far \(more than 100 uses/)
  })

  it('shows .nan as NaN, not null', () => {
    const e = budgetError('budget:\n  energy-kwh: .nan\n')
    expect(e.message).toMatch(/budget\.energy-kwh: got NaN, expected/)
  })

  it('quotes at most 80 characters of a long bad value', () => {
    const long = Array.from({ length: 5000 }, (_, i) => i)
    const e = budgetError(`budget:\n  energy-kwh: ${JSON.stringify(long)}\n`)
    const got = /got (.*), expected/.exec(e.message)![1]!
    expect(got.length).toBeLessThanOrEqual(80 + ' (99999 characters)'.length)
    expect(got).toMatch(/^\[0,1,2,.*… \(\d+ characters\)$/)
    expect(e.message.length).toBeLessThan(400)
  })

  it('refuses nesting deeper than 64 with a message', () => {
    const deep = `budget:\n  energy-kwh: ${'['.repeat(200)}1${']'.repeat(200)}\n`
    const e = budgetError(deep)
    expect(e).toBeInstanceOf(UsageError)
    expect(e.message).toMatch(/nested (more than 64 deep|too deep)/)
  })
})

describe('JSON input limits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jg-limits-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('refuses a JSON file over 16 MiB before reading it', async () => {
    const file = join(dir, 'huge.json')
    writeFileSync(file, `[${'1,'.repeat(MAX_JSON_BYTES / 2 + 10)}1]`)
    await expect(readJsonFile(file, 'measurement')).rejects.toThrow(
      /measurement .*huge\.json: 16\.0 MiB, larger than a joulegate measurement can be \(at most 16\.0 MiB\)/
    )
  })

  it('refuses nesting deeper than 64 with a message, not a stack overflow later', async () => {
    const file = join(dir, 'deep.json')
    writeFileSync(file, `${'['.repeat(100000)}${']'.repeat(100000)}`)
    await expect(readJsonFile(file, 'calibration')).rejects.toThrow(
      new RegExp(
        `calibration .*deep\\.json: objects or arrays nested more than ${MAX_NESTING} deep`
      )
    )
  })
})
