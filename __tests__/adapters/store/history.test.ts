import { describe, expect, it } from '@jest/globals'
import {
  appendLine,
  describeSkippedLines,
  calibrationPath,
  chooseLatestCalibration,
  historyPath,
  parseCalibration,
  parseHistory,
  serializeCalibration,
  serializeLine,
  seriesOfPath,
  validateDataBranch
} from '../../../src/core/history/history.js'
import { makeCalibration, makeRecord } from './records.js'

const line = (over: Record<string, unknown> = {}): string =>
  JSON.stringify({ ...makeRecord(), ...over })

describe('parseHistory', () => {
  it('round-trips records written by serializeLine, in order', () => {
    const records = [
      makeRecord({ energyJ: 1 }),
      makeRecord({ energyJ: 2, commit: null }),
      makeRecord({ energyJ: 3 })
    ]
    const text = records.map(serializeLine).join('')
    expect(parseHistory(text, 'h.jsonl')).toEqual(records)
  })

  it.each([
    { name: 'empty file', text: '', count: 0 },
    { name: 'blank lines and CRLF', text: `\n${line()}\r\n\n${line()}\n`, count: 2 },
    { name: 'last line without newline', text: `${line()}\n${line()}`, count: 2 },
    { name: 'extra fields are kept', text: `${line({ future: { x: 1 } })}\n`, count: 1 }
  ])('accepts $name', ({ text, count }) => {
    expect(parseHistory(text, 'h.jsonl')).toHaveLength(count)
  })

  it.each([
    {
      name: 'truncated last line',
      text: `${line()}\n${line().slice(0, 50)}`,
      at: 2,
      detail: /not valid JSON/
    },
    {
      name: 'garbage in the middle',
      text: `${line()}\nhello\n${line()}\n`,
      at: 2,
      detail: /not valid JSON.*"hello"/
    },
    {
      name: 'two records glued together',
      text: `${line()}${line()}\n`,
      at: 1,
      detail: /not valid JSON/
    },
    {
      name: 'wrong schema',
      text: `${line()}\n\n${line({ schema: 'joulegate.result/v9' })}\n`,
      at: 3,
      detail: /\/schema must be equal to constant.*joulegate.result\/v1/
    },
    {
      name: 'energy not a number',
      text: `${line({ measurement: { ...makeRecord().measurement, energyJ: '12' } })}\n`,
      at: 1,
      detail: /\/measurement\/energyJ must be number/
    },
    {
      name: 'missing commit',
      text: `${JSON.stringify({ ...makeRecord(), commit: undefined })}\n`,
      at: 1,
      detail: /must have required property 'commit'/
    },
    { name: 'array instead of object', text: '[1,2]\n', at: 1, detail: /must be object/ }
  ])(
    'skips $name, naming file, line and an excerpt, and keeps the others',
    ({ text, at, detail }) => {
      const records = parseHistory(text, 'history/default.jsonl')
      const valid = text.split('\n').filter((l, i) => i + 1 !== at && l.trim() !== '')
      expect(records).toHaveLength(valid.length)
      const notes = describeSkippedLines(records)
      expect(notes).toHaveLength(1)
      expect(notes[0]).toMatch(
        new RegExp(`^history/default\\.jsonl line ${at} cannot be read and was skipped \\(`)
      )
      expect(notes[0]).toMatch(detail)
      // the excerpt quotes the line
      expect(notes[0]).toContain(
        JSON.stringify(text.split('\n')[at - 1]!.slice(0, 20)).slice(0, 15)
      )
    }
  )

  it('a read without skipped lines has no notes; the records compare as a plain list', () => {
    const records = parseHistory(`${line()}\n`, 'h.jsonl')
    expect(describeSkippedLines(records)).toEqual([])
    expect(JSON.stringify(records)).toBe(`[${line()}]`)
  })
})

describe('serializeLine and appendLine', () => {
  it('writes exactly one line even when strings hold newlines', () => {
    const r = makeRecord({ tag: 'a\nb' })
    const out = serializeLine(r)
    expect(out.endsWith('\n')).toBe(true)
    expect(out.slice(0, -1)).not.toContain('\n')
  })

  it('refuses to write an invalid record', () => {
    expect(() => serializeLine({ ...makeRecord(), recordedAt: 5 } as never)).toThrow(
      /recordedAt must be string/
    )
  })

  it.each([
    { existing: '', want: 'X\n' },
    { existing: 'A\n', want: 'A\nX\n' },
    { existing: 'A', want: 'A\nX\n' }
  ])('appendLine($existing)', ({ existing, want }) => {
    expect(appendLine(existing, 'X\n')).toBe(want)
  })
})

describe('names and paths', () => {
  it.each([
    ['default', 'history/default.jsonl'],
    ['gpu-a100_fp16.v2', 'history/gpu-a100_fp16.v2.jsonl']
  ])('historyPath(%s)', (name, want) => {
    expect(historyPath(name)).toBe(want)
    expect(seriesOfPath(want)).toBe(name)
  })

  it.each(['', '../etc', 'a/b', '.hidden', '-x', 'a b', 'x.lock', 'é', 'a'.repeat(101)])(
    'rejects series name %j',
    (name) => {
      expect(() => historyPath(name)).toThrow(/^name: got .*expected a series name/)
    }
  )

  it.each(['joulegate-data', 'data/joulegate', 'v1.2_x'])('accepts data branch %j', (b) => {
    expect(validateDataBranch(b)).toBe(b)
  })

  it.each(['', '-x', 'a..b', 'a//b', 'x.lock', 'a b', 'x/'])('rejects data branch %j', (b) => {
    expect(() => validateDataBranch(b)).toThrow(/^data-branch: got .*expected a git branch name/)
  })

  it('rejects a fingerprint with a slash', () => {
    expect(() => calibrationPath('a/b')).toThrow(/^fingerprint: got "a\/b"/)
  })

  it.each(['README.md', 'history/x.json', 'history/.jsonl'])('seriesOfPath(%s) is null', (p) => {
    expect(seriesOfPath(p)).toBeNull()
  })
})

describe('calibration', () => {
  it('round-trips a calibration file', () => {
    const cal = makeCalibration('2026-02-01T00:00:00.000Z')
    expect(parseCalibration(serializeCalibration(cal), 'c.json')).toEqual(cal)
  })

  it('names the file on a corrupt calibration', () => {
    expect(() =>
      parseCalibration('{"schema":"joulegate.calibration/v1"', 'calibration/x.json')
    ).toThrow(/^calibration\/x\.json line 1: not valid JSON/)
  })

  it.each([
    {
      name: 'no current',
      current: null,
      incoming: '2026-01-02T00:00:00Z',
      want: '2026-01-02T00:00:00Z'
    },
    {
      name: 'newer wins',
      current: '2026-01-01T00:00:00Z',
      incoming: '2026-01-02T00:00:00Z',
      want: '2026-01-02T00:00:00Z'
    },
    {
      name: 'older loses',
      current: '2026-01-03T00:00:00Z',
      incoming: '2026-01-02T00:00:00Z',
      want: '2026-01-03T00:00:00Z'
    },
    {
      name: 'unreadable current loses',
      current: 'yesterday',
      incoming: '2026-01-02T00:00:00Z',
      want: '2026-01-02T00:00:00Z'
    }
  ])('chooseLatestCalibration: $name', ({ current, incoming, want }) => {
    const got = chooseLatestCalibration(
      current ? makeCalibration(current) : null,
      makeCalibration(incoming)
    )
    expect(got.createdAt).toBe(want)
  })
})
