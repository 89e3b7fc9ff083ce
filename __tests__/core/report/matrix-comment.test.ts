// The matrix comment from real judgements: each runner judged by the real judge and rendered by
// the single-run renderer, then combined. Figures are shaped like the contract's examples.
import { describe, expect, it } from '@jest/globals'
import { commentMarker } from '../../../src/core/report/comment-selection.js'
import {
  decideMatrixVerdict,
  describeRunner,
  formatMatrixSummary,
  renderMatrixComment,
  type MatrixRunner
} from '../../../src/core/report/matrix-comment.js'
import { renderReport } from '../../../src/core/report/render-report.js'
import type { Verdict } from '../../../src/core/types.js'
import { judge } from '../../../src/core/judge/verdict.js'
import {
  makeBudget,
  makeInput,
  makeMeasurement,
  makeNormalization,
  makeRecord
} from '../judge/fixtures.js'

interface Spec {
  series: string
  gpu: string
  kwh: number
  baseKwh: number | null
  normalized?: boolean
}

function judged(spec: Spec): MatrixRunner {
  const measurement = makeMeasurement({ kwh: spec.kwh, repeat: { n: 5, cv: 0.01 } })
  measurement.components[0]!.name = spec.gpu
  measurement.host.gpus = [spec.gpu]
  const base =
    spec.baseKwh === null
      ? null
      : makeRecord({
          kwh: spec.baseKwh,
          repeat: { n: 5, cv: 0.01 },
          ...(spec.normalized ? { normalizedKwh: spec.baseKwh } : {})
        })
  const j = judge(
    makeInput({
      series: spec.series,
      run: {
        measurement,
        normalization: spec.normalized ? makeNormalization(spec.kwh, 0.05) : null,
        runner: `gpu-node-${spec.series}`
      },
      baseline: base ? { record: base, reason: 'the base commit b1 has a record' } : null,
      budget: makeBudget({ energyIncrease: 0.1 })
    })
  )
  return describeRunner(j, renderReport(j, { marker: spec.series }))
}

const A100 = { series: 'pr-a100', gpu: 'NVIDIA A100-SXM4-40GB' }
const H100 = { series: 'pr-h100', gpu: 'NVIDIA H100 80GB HBM3' }
const A40 = { series: 'pr-a40', gpu: 'NVIDIA A40' }

const tableRows = (comment: string): string[] =>
  comment.split('\n').filter((l) => /^\| pr-/.test(l))

describe('renderMatrixComment', () => {
  const runners = [
    judged({ ...A100, kwh: 0.0135, baseKwh: 0.01 }),
    judged({ ...H100, kwh: 0.0102, baseKwh: 0.01, normalized: true }),
    judged({ ...A40, kwh: 0.0098, baseKwh: 0.01 })
  ]
  const comment = renderMatrixComment(runners, { marker: 'pr' })
  const lines = comment.split('\n')

  it('three results give one comment: the matrix marker, the verdict line, three rows', () => {
    expect(runners.map((r) => r.verdict)).toEqual(['fail', 'pass', 'pass'])
    expect(lines[0]).toBe(commentMarker('pr'))
    expect(lines[1]).toBe(
      '❌ 1 of 3 runners over budget — A100-SXM4-40GB: Energy +35% (budget +10.0%)'
    )
    expect(lines[1]!.length).toBeLessThanOrEqual(120)
    const rows = tableRows(comment)
    expect(rows).toHaveLength(3)
    expect(rows[0]).toBe(
      '| pr-a100 (gpu-node-pr-a100) | NVIDIA A100-SXM4-40GB | 13.5 Wh (counter) | — (no calibration) | +35% (measured) | ❌ fail |'
    )
    expect(rows[1]).toContain('(80%: ')
    expect(rows[1]).toContain('(normalised)')
    expect(rows[2]).toContain('— (no calibration)')
    expect(rows[2]).toContain('−2.0% (measured)')
  })

  it("folds each runner's own report, without that runner's marker", () => {
    // one fold per runner; each runner's report keeps its own folded sections inside
    expect(comment.match(/<details><summary>\S+ pr-[a-z0-9]+:/g)).toHaveLength(3)
    for (const s of ['pr-a100', 'pr-h100', 'pr-a40']) {
      expect(comment).not.toContain(commentMarker(s))
      expect(comment).toContain(`<details><summary>${s === 'pr-a100' ? '❌' : '✅'} ${s}:`)
    }
    // the single-run report's rules table is inside, once per runner
    expect(comment.match(/\*\*Rules checked\*\*/g)).toHaveLength(3)
    expect(comment).not.toMatch(/\de-\d/)
  })

  it('energies are scaled for people, never in e-notation', () => {
    const tiny = judged({ ...A40, kwh: 6.24e-5, baseKwh: 6.2e-5 })
    const row = tableRows(renderMatrixComment([tiny], { marker: 'pr' }))[0]!
    expect(row).toContain('225 J')
    expect(row).not.toMatch(/e-\d/)
  })

  it('keeps every row and a folded block per runner when the reports are too long', () => {
    const long = runners.map((r) => ({ ...r, details: `${'a line of notes\n'.repeat(3000)}end` }))
    const cut = renderMatrixComment(long, { marker: 'pr', maxChars: 20_000 })
    expect(cut.length).toBeLessThanOrEqual(20_000)
    expect(tableRows(cut)).toHaveLength(3)
    expect(cut.match(/<details><summary>/g)).toHaveLength(3)
    expect(cut.match(/<\/details>/g)).toHaveLength(3)
    expect(cut.match(/Report truncated/g)).toHaveLength(3)
  })

  it('names the runner by series when two share a GPU model', () => {
    const twin = judged({ ...A40, series: 'pr-a40b', kwh: 0.0135, baseKwh: 0.01 })
    const c = renderMatrixComment([judged({ ...A40, kwh: 0.0098, baseKwh: 0.01 }), twin], {
      marker: 'pr'
    })
    expect(c.split('\n')[1]).toMatch(/^❌ 1 of 2 runners over budget — pr-a40b: Energy \+35%/)
  })
})

describe('overall verdict', () => {
  it.each<[Verdict[], Verdict]>([
    [['pass', 'pass', 'pass'], 'pass'],
    [['pass', 'fail', 'inconclusive'], 'fail'],
    [['pass', 'inconclusive', 'pass'], 'inconclusive'],
    [['no-baseline', 'inconclusive'], 'inconclusive'],
    [['pass', 'no-baseline'], 'pass'],
    [['no-baseline', 'no-baseline'], 'no-baseline'],
    [['fail'], 'fail']
  ])('%j -> %s', (verdicts, overall) => {
    expect(decideMatrixVerdict(verdicts)).toBe(overall)
  })

  it('mixed inconclusive: no runner fails, one is inconclusive, and the line says which', () => {
    // +10% against a 10% allowance: the interval straddles the limit
    const doubtful = judged({ ...H100, kwh: 0.011, baseKwh: 0.01 })
    expect(doubtful.verdict).toBe('inconclusive')
    const mixed = [
      judged({ ...A100, kwh: 0.0101, baseKwh: 0.01 }),
      doubtful,
      judged({ ...A40, kwh: 0.0098, baseKwh: null })
    ]
    expect(mixed.map((r) => r.verdict)).toEqual(['pass', 'inconclusive', 'no-baseline'])
    const first = renderMatrixComment(mixed, { marker: 'pr' }).split('\n')[1]!
    expect(first).toMatch(/^⚠️ 1 of 3 runners inconclusive — H100 80GB HBM3: /)
    expect(tableRows(renderMatrixComment(mixed, { marker: 'pr' }))[2]).toContain('— (no baseline)')
  })

  it('a passing matrix names its largest change and the runners without a baseline', () => {
    const ok = [
      judged({ ...A100, kwh: 0.0104, baseKwh: 0.01 }),
      judged({ ...A40, kwh: 0.0098, baseKwh: 0.01 }),
      judged({ ...H100, kwh: 0.01, baseKwh: null })
    ]
    const first = renderMatrixComment(ok, { marker: 'pr' }).split('\n')[1]!
    expect(first).toMatch(
      /^✅ 2 of 3 runners within budget — largest change A100-SXM4-40GB: Energy \+4\.0%.*; 1 without a baseline$/
    )
  })

  it('the log summary is plain text: the same first line, one line per runner', () => {
    const text = formatMatrixSummary('pr', [
      judged({ ...A100, kwh: 0.0135, baseKwh: 0.01 }),
      judged({ ...A40, kwh: 0.0098, baseKwh: 0.01 })
    ])
    expect(text.split('\n')).toEqual([
      'joulegate (pr): FAIL: 1 of 2 runners over budget — A100-SXM4-40GB: Energy +35% (budget +10.0%)',
      expect.stringMatching(/^ {2}pr-a100: FAIL: /),
      expect.stringMatching(/^ {2}pr-a40: PASS: /)
    ])
    expect(text).not.toMatch(/<|\\/)
  })
})
