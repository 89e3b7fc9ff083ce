// The rendered pull-request comment (and job summary) of each case a reviewer meets, kept as
// snapshots so a change of wording is reviewed as a diff; plus the first-line and folding rules
// the issue sets for every case.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { renderCheckResult } from '../../../src/usecases/result-file.js'
import { renderCommentExample } from './comment-example.js'
import { makeCheckResult, SCENARIOS } from './scenarios.js'

const rendered = Object.entries(SCENARIOS).map(([name, s]) => {
  const outcome = renderCheckResult(makeCheckResult(s))
  return { name, outcome }
})

/** The lines a reader sees before opening anything: outside every <details>. */
function visibleLines(md: string): string[] {
  const out: string[] = []
  let depth = 0
  for (const line of md.split('\n')) {
    depth += (line.match(/<details>/g) ?? []).length
    if (depth === 0 && !line.startsWith('<!--') && line.trim() !== '') out.push(line)
    depth -= (line.match(/<\/details>/g) ?? []).length
  }
  return out
}

describe.each(rendered)('the $name comment', ({ name, outcome }) => {
  const md = outcome.report

  it('matches its snapshot', () => {
    expect(md).toMatchSnapshot()
  })

  it('keeps the sticky marker as its first line and the verdict as the first visible one', () => {
    const [marker, first] = md.split('\n')
    expect(marker).toBe('<!-- joulegate:default -->')
    expect(first).toMatch(
      /^(✅ \*\*Pass|❌ \*\*Fail|⚠️ \*\*Inconclusive|ℹ️ \*\*No baseline yet):\*\* /
    )
    expect(first!.replace(/\*\*/g, '').length).toBeLessThanOrEqual(120)
  })

  it('shows the verdict, at most one more line and one table; everything else is folded', () => {
    const visible = visibleLines(md)
    const table = visible.filter((l) => l.startsWith('|'))
    const prose = visible.filter((l) => !l.startsWith('|'))
    expect(prose.length).toBeLessThanOrEqual(2)
    expect(table.length).toBeLessThanOrEqual(9)
    expect(visible.join('\n')).not.toMatch(/Rules checked|Where the numbers|mermaid|\| side \|/)
  })

  it('writes no figure in e-notation and no reserved key as a metric', () => {
    // toExponential always writes a sign: 6.24e-5, 1.2e+6 (commit hashes have no sign)
    expect(md).not.toMatch(/\d(\.\d+)?e[+-]\d/)
    expect(md).not.toMatch(/\| (planned_epochs|planned_steps|epoch|step|params|macs|flops)\b/)
  })

  it('says each long fact once', () => {
    const lines = md.split('\n').filter((l) => l.length > 60 && !l.startsWith('|'))
    expect(lines.filter((l, i) => lines.indexOf(l) !== i)).toEqual([])
    expect(md.split('ccf-specpower-linear').length - 1).toBeLessThanOrEqual(1)
  })

  it(`is judged ${name === 'crashed' ? 'a fail' : 'as its case says'}`, () => {
    const expected: Record<string, string> = {
      pass: 'pass',
      fail: 'fail',
      'price-pass': 'pass',
      inconclusive: 'inconclusive',
      'no-baseline': 'no-baseline',
      crashed: 'fail',
      cancelled: 'inconclusive',
      'estimate-only': 'fail',
      normalised: 'pass'
    }
    expect(outcome.verdict).toBe(expected[name])
  })

  it('has a terminal rendering with the same first line, without markup', () => {
    const first = md.split('\n')[1]!.replace(/\*\*/g, '')
    expect(outcome.summaryText.split('\n')[0]).toBe(first)
    expect(outcome.summaryText).not.toMatch(/<!--|<details>|mermaid|\*\*/)
  })
})

describe('reading the first line alone', () => {
  const first = (name: string): string =>
    rendered.find((r) => r.name === name)!.outcome.report.split('\n')[1]!
  it.each([
    [
      'fail',
      /^❌ \*\*Fail:\*\* energy \+35% over main \(\+1\.78 Wh\); budget allows \+10% — psds1 did not improve\.$/
    ],
    [
      'price-pass',
      /^✅ \*\*Pass:\*\* energy \+35% over main \(\+1\.78 Wh\); budget allows \+89% with psds1 \+0\.08\.$/
    ],
    ['inconclusive', /^⚠️ \*\*Inconclusive:\*\* energy \+8\.0% over main/],
    ['crashed', /^❌ \*\*Fail:\*\* the training command failed \(exit 1\)/],
    ['cancelled', /^⚠️ \*\*Inconclusive:\*\* the training run was cancelled/],
    ['no-baseline', /^ℹ️ \*\*No baseline yet:\*\* this run used 5\.08 Wh \(counter\)\.$/],
    ['pass', /^✅ \*\*Pass:\*\* energy 4\.0% below main \(−732 J\); budget allows \+10%\.$/],
    ['normalised', /^✅ \*\*Pass:\*\* normalised energy 15% below main/]
  ])('%s', (name, pattern) => {
    expect(first(name)).toMatch(pattern)
  })

  it('an estimate says so once, on the second line', () => {
    const md = rendered.find((r) => r.name === 'estimate-only')!.outcome.report
    expect(md.split('\n')[2]).toMatch(/estimates from a power model/)
    expect(md).not.toMatch(/stopped paying for itself|net of idle|idle power/)
  })

  it('the normalised case compares the reference-scale energy with its interval', () => {
    const md = rendered.find((r) => r.name === 'normalised')!.outcome.report
    // main ran on an A100 runner: its 8.13 Wh measured are 4.07 Wh on the reference scale
    expect(md).toMatch(
      /\| energy, normalised \| 4\.07 Wh \(80% interval 3\.94 Wh to 4\.19 Wh\) \| 3\.46 Wh \(80% interval/
    )
  })
})

describe('docs/comment-example.md', () => {
  it('is the rendered fail case (regenerate: npx tsx scripts/render-comment-example.ts)', () => {
    const file = new URL('../../../docs/comment-example.md', import.meta.url)
    expect(readFileSync(file, 'utf8')).toBe(renderCommentExample())
  })
})
