import { describe, expect, it } from '@jest/globals'
import {
  sameCommit,
  selectBaseline,
  type BaselineInput
} from '../../../src/core/compare/baseline.js'
import { makeRecord, type RecordSpec } from './records.js'

// Commits c0 (HEAD) .. c9, newest first; shas are 40 hex digits that differ in their first digits.
const sha = (i: number): string => `${i}`.padStart(2, '0').repeat(20)
const ancestry = Array.from({ length: 10 }, (_, i) => sha(i))
const at = (i: number, spec: RecordSpec = {}): RecordSpec => ({ commit: sha(i), ...spec })
const day = (d: number): string => `2026-01-${String(d).padStart(2, '0')}T00:00:00.000Z`

interface Case {
  name: string
  records: RecordSpec[]
  base?: string | null
  ancestry: string[] | null
  shallow?: boolean
  /** energies of the expected baseline records, oldest first ([] means no baseline) */
  want: number[]
  source: string
  reason: RegExp
}

const cases: Case[] = [
  {
    name: 'base commit has a record',
    records: [
      at(5, { energyJ: 1, recordedAt: day(1) }),
      at(3, { energyJ: 2, recordedAt: day(2) }),
      at(7, { energyJ: 3, recordedAt: day(3) })
    ],
    base: sha(3),
    ancestry,
    want: [2],
    source: 'base-commit',
    reason: /^base commit 0303030 has a record$/
  },
  {
    name: 'base has several runs: all of them, oldest first',
    records: [
      at(3, { energyJ: 2, recordedAt: day(5) }),
      at(3, { energyJ: 1, recordedAt: day(4) }),
      at(5, { energyJ: 9 })
    ],
    base: sha(3),
    ancestry,
    want: [1, 2],
    source: 'base-commit',
    reason: /^base commit 0303030 has a record \(2 records\)$/
  },
  {
    name: 'base without record: nearest first-parent ancestor of the base',
    records: [
      at(8, { energyJ: 8, recordedAt: day(9) }),
      at(6, { energyJ: 6, recordedAt: day(1) }),
      at(1, { energyJ: 1 })
    ],
    base: sha(3),
    ancestry,
    want: [6],
    source: 'ancestor',
    reason:
      /^base commit 0303030 has no record; nearest first-parent ancestor 0606060 \(3 commits before the base\) has a record$/
  },
  {
    name: 'abbreviated base sha matches a full one',
    records: [at(4, { energyJ: 4 })],
    base: sha(4).slice(0, 7),
    ancestry,
    want: [4],
    source: 'base-commit',
    reason: /^base commit 0404040 has a record$/
  },
  {
    name: 'no base: HEAD itself',
    records: [at(0, { energyJ: 10 }), at(2, { energyJ: 12 })],
    ancestry,
    want: [10],
    source: 'ancestor',
    reason: /^HEAD 0000000 has a record$/
  },
  {
    name: 'no base: nearest ancestor of HEAD, not the newest record',
    records: [
      at(4, { energyJ: 4, recordedAt: day(1) }),
      { commit: 'f'.repeat(40), energyJ: 99, recordedAt: day(20) }
    ],
    ancestry,
    want: [4],
    source: 'ancestor',
    reason: /^nearest first-parent ancestor 0404040 \(4 commits before HEAD\) has a record$/
  },
  {
    name: 'base not on the first-parent line: walk from HEAD',
    records: [at(1, { energyJ: 1 })],
    base: 'e'.repeat(40),
    ancestry,
    want: [1],
    source: 'ancestor',
    reason:
      /^base commit eeeeeee has no record and is not on HEAD's first-parent history; nearest first-parent ancestor 0101010 \(1 commit before HEAD\)/
  },
  {
    name: 'base not on the first-parent line, HEAD has a record: no "0 commits before"',
    records: [at(0, { energyJ: 7 }), at(1, { energyJ: 1 })],
    base: 'e'.repeat(40),
    ancestry,
    want: [7],
    source: 'ancestor',
    reason:
      /^base commit eeeeeee has no record and is not on HEAD's first-parent history; HEAD itself \(0000000\) has a record$/
  },
  {
    name: 'failed and interrupted runs are never a baseline',
    records: [
      at(3, { energyJ: 3, exitCode: 1 }),
      at(3, { energyJ: 4, interrupted: true }),
      at(3, { energyJ: 5, exitCode: null }),
      at(5, { energyJ: 5 })
    ],
    base: sha(3),
    ancestry,
    want: [5],
    source: 'ancestor',
    reason: /2 commits before the base/
  },
  {
    name: 'outside git: the newest record and its repeats',
    records: [
      at(1, { energyJ: 1, recordedAt: day(3) }),
      at(2, { energyJ: 2, recordedAt: day(5) }),
      at(2, { energyJ: 3, recordedAt: day(4) })
    ],
    ancestry: null,
    want: [3, 2],
    source: 'newest',
    reason: /^there is no git history, so the newest record is the baseline \(2 records\)$/
  },
  {
    name: 'outside git, records without commit: only the newest',
    records: [
      { commit: null, energyJ: 1, recordedAt: day(2) },
      { commit: null, energyJ: 2, recordedAt: day(1) }
    ],
    ancestry: [],
    want: [1],
    source: 'newest',
    reason: /^there is no git history, so the newest record is the baseline$/
  },
  {
    name: 'outside git with a base that has no record',
    records: [{ commit: null, energyJ: 1 }],
    base: sha(3),
    ancestry: null,
    want: [1],
    source: 'newest',
    reason:
      /^base commit 0303030 has no record and there is no git history, so the newest record is the baseline$/
  },
  {
    name: 'equal times keep file order: the later line is newer',
    records: [
      { commit: null, energyJ: 1 },
      { commit: null, energyJ: 2 }
    ],
    ancestry: null,
    want: [2],
    source: 'newest',
    reason: /newest record/
  },
  {
    name: 'empty history',
    records: [],
    base: sha(1),
    ancestry,
    want: [],
    source: 'none',
    reason: /^no record in this series yet$/
  },
  {
    name: 'only failed runs',
    records: [at(1, { exitCode: 2 })],
    ancestry,
    want: [],
    source: 'none',
    reason: /^no usable record; 1 failed or interrupted run ignored$/
  },
  {
    name: 'records exist but none on the first-parent line of a shallow clone',
    records: [
      { commit: 'e'.repeat(40), energyJ: 1, recordedAt: day(2) },
      { commit: 'd'.repeat(40), energyJ: 2, recordedAt: day(1) }
    ],
    base: sha(2),
    ancestry,
    shallow: true,
    want: [1],
    source: 'newest',
    reason:
      /^baseline: newest record of series default \(commit eeeeeee\); the base commit's ancestry could not be read from this shallow clone \(8 commits of the base commit 0202020's first-parent history read; fetch-depth: 0 reads it all\)$/
  },
  {
    name: 'records exist but none on the complete first-parent line',
    records: [{ commit: 'e'.repeat(40), energyJ: 1, series: 'gpu-a40' }, at(1, { exitCode: 1 })],
    ancestry,
    want: [1],
    source: 'newest',
    reason:
      /^baseline: newest record of series gpu-a40 \(commit eeeeeee\); the only record is not on HEAD's first-parent history \(10 commits searched\); 1 failed or interrupted run ignored$/
  }
]

describe('selectBaseline', () => {
  it.each(cases)('$name', (c) => {
    const input: BaselineInput = {
      records: c.records.map((r) => makeRecord(r)),
      baseCommit: c.base,
      ancestry: c.ancestry,
      shallow: c.shallow
    }
    const got = selectBaseline(input)
    expect(got.records.map((r) => r.measurement.energyJ)).toEqual(c.want)
    expect(got.record?.measurement.energyJ ?? null).toBe(
      c.want.length ? c.want[c.want.length - 1] : null
    )
    expect(got.source).toBe(c.source)
    expect(got.reason).toMatch(c.reason)
    expect(got.commit).toBe(got.record ? got.record.commit : null)
    // no-baseline only when there is nothing usable to compare with
    expect(got.record === null).toBe(!input.records.some((r) => r.measurement.exitCode === 0))
  })
})

describe('sameCommit', () => {
  it.each([
    { a: 'abcdef1234', b: 'ABCDEF1', want: true },
    { a: 'abcdef1234', b: 'abcdef', want: false },
    { a: 'abcdef1234', b: 'abcdef1235', want: false },
    { a: null, b: 'abcdef1', want: false }
  ])('$a ~ $b = $want', ({ a, b, want }) => {
    expect(sameCommit(a, b)).toBe(want)
  })
})
