import { describe, expect, it } from '@jest/globals'
import {
  escapeMarkdown,
  escapeProse,
  sanitizeChartLabel
} from '../../../src/core/report/escape-markdown.js'
import {
  fitToLimit,
  REPORT_MAX_CHARS,
  renderReport
} from '../../../src/core/report/render-report.js'
import { renderTerminal } from '../../../src/core/report/terminal.js'
import { judge, type JudgeInput } from '../../../src/core/judge/verdict.js'
import {
  makeBudget,
  makeInput,
  makeMeasurement,
  makeNormalization,
  makeRecord
} from './fixtures.js'

const budget = makeBudget({
  metrics: { psds1: 'higher' },
  energyIncrease: 0.1,
  price: { metric: 'psds1', kwhPerUnit: 5 },
  co2Grams: 800
})
const judged = (over: Partial<JudgeInput> = {}) =>
  judge(
    makeInput({
      budget,
      run: {
        measurement: makeMeasurement({
          kwh: 0.2,
          metrics: { psds1: 0.65, params: 1112420, macs: 930902000 }
        }),
        normalization: null
      },
      baseline: {
        record: makeRecord({
          kwh: 0.1,
          metrics: { psds1: 0.59, params: 1112420, macs: 930902000 }
        }),
        reason: "the pull request's base commit"
      },
      ...over
    })
  )

describe('escapeMarkdown', () => {
  it.each([
    { input: '@octocat please', absent: ['@o'], present: ['@\u200doctocat'] },
    { input: '@org/team', absent: ['@o'], present: ['@\u200dorg'] },
    { input: '<img src=x onerror=alert(1)>', absent: ['<img', '>'], present: ['&lt;img'] },
    { input: 'a | b', absent: ['|'], present: ['&#124;'] },
    {
      input: '**bold** _it_ [link](http://x) `code`',
      absent: ['**', ' [link]', ' `code'],
      present: ['\\*\\*bold', '\\[link\\]', '\\`code']
    },
    { input: 'line1\nline2\r\n| x |', absent: ['\n', '\r'], present: ['line1 line2'] },
    { input: '#123 fixes', absent: [], present: ['\\#123'] },
    // no tag can open once < is escaped, so quotes and a lone & stay readable in a terminal
    {
      input: 'it\'s "quoted" & done',
      absent: ['&quot;', '&amp;'],
      present: ['it\'s "quoted" & done']
    },
    { input: 'a &lt; b', absent: ['a &lt;'], present: ['&amp;lt;'] },
    { input: 'see http://evil.example/x', absent: ['http://'], present: ['http:\u200d//'] },
    { input: 'HTTPS://evil.example', absent: ['HTTPS://'], present: ['HTTPS:\u200d//'] },
    { input: 'go to www.evil.example', absent: ['www.evil'], present: ['www\u200d.evil'] },
    { input: '+12.5% (95% interval)', absent: [], present: ['+12.5% (95% interval)'] },
    { input: '- item', absent: [], present: ['\\- item'] }
  ])('$input', ({ input, absent, present }) => {
    const out = escapeMarkdown(input)
    for (const a of absent) expect(out).not.toContain(a)
    for (const p of present) expect(out).toContain(p)
  })

  it('caps very long text with an ellipsis', () => {
    expect(escapeMarkdown('x'.repeat(1000), 50).length).toBeLessThanOrEqual(50)
  })

  it('chart labels keep only safe characters', () => {
    expect(sanitizeChartLabel('psds"]\n%%{init}')).toBe('psds%%init')
  })
})

describe('renderReport', () => {
  it('puts the marker first and the verdict with its deciding figure next', () => {
    const md = renderReport(judged(), { marker: 'default' })
    const [marker, headline] = md.split('\n')
    expect(marker).toBe('<!-- joulegate:default -->')
    // verdict, the change and the limit the price rule allowed for the psds1 gain, in words
    expect(headline).toBe(
      '✅ **Pass:** energy +100% over base (+100 Wh); budget allows +310% with psds1 +0.06.'
    )
    expect(headline.length).toBeLessThan(120)
  })

  it('names the base branch when the record has one', () => {
    const rec = makeRecord({ kwh: 0.1, metrics: { psds1: 0.59 } })
    rec.branch = 'main'
    const md = renderReport(
      judged({ baseline: { record: rec, reason: "the pull request's base commit" } }),
      { marker: null }
    )
    expect(md.split('\n')[0]).toContain('energy +100% over main (+100 Wh)')
    expect(md).toContain('| | main (a1b2c3d) | this run | change |')
  })

  it('without a marker the verdict is the first line', () => {
    const md = renderReport(judged(), { marker: null })
    expect(md.split('\n')[0]).toMatch(/^✅ \*\*Pass:\*\* energy/)
  })

  it.each([
    ['energy, measured'],
    ['runtime'],
    ['psds1 (higher is better)'],
    ['CO2'],
    ['energy-weighted psds1'],
    ['| price | ✅ pass'],
    ['not deciding: the price rule judges energy'],
    ['a1b2c3d4e5f6a7b8'],
    ["the pull request's base commit"],
    ['| this run | gpu0']
  ])('contains %p', (text) => {
    expect(renderReport(judged(), { marker: null })).toContain(text)
  })

  it('shows the normalised interval when calibration exists', () => {
    const j = judged({
      run: { measurement: makeMeasurement({ kwh: 0.2 }), normalization: makeNormalization(0.1) }
    })
    expect(renderReport(j, { marker: null })).toContain('80% interval 90 Wh to 110 Wh')
  })

  it('never shows a reserved key as a metric, nor notes it has no direction', () => {
    const reserved = { planned_epochs: 20, planned_steps: 4000, epoch: 3, step: 600, flops: 9e9 }
    const m = makeMeasurement({ kwh: 0.2, metrics: { psds1: 0.65, ...reserved } })
    const j = judged({ run: { measurement: m, normalization: null } })
    const md = renderReport(j, { marker: null })
    for (const key of Object.keys(reserved)) expect(md).not.toMatch(new RegExp(`\\| ${key}\\b`))
    expect(md).not.toMatch(/planned|no direction/)
    expect(j.notes.join(' ')).not.toMatch(/planned_|epoch|step/)
  })

  it('shows parameters and MACs only when the change altered them', () => {
    expect(renderReport(judged(), { marker: null })).not.toMatch(/parameters|MACs/)
    const m = makeMeasurement({
      kwh: 0.2,
      metrics: { psds1: 0.65, params: 2224840, macs: 930902000 }
    })
    const md = renderReport(judged({ run: { measurement: m, normalization: null } }), {
      marker: null
    })
    expect(md).toContain('| parameters | 1.11M | 2.22M | +100.0% |')
    expect(md).not.toContain('MACs')
  })

  it('labels an estimate as one, never as a measurement', () => {
    const j = judged({
      run: { measurement: makeMeasurement({ kwh: 0.2, method: 'estimate' }), normalization: null }
    })
    const md = renderReport(j, { marker: null })
    expect(md).toContain('≈ 200 Wh (estimate)')
    expect(md).not.toContain('| 200 Wh (estimate)')
  })

  it('escapes every user-provided string', () => {
    const m = makeMeasurement({ kwh: 0.2, metrics: { psds1: 0.6 } })
    m.host.cpu = '<script>alert(1)</script>'
    m.notices = ['ping @octocat | see [x](http://evil)']
    const rec = makeRecord({ kwh: 0.1, metrics: { psds1: 0.6 }, commit: '<b>abc</b>' })
    const j = judged({
      series: 'a|b',
      run: { measurement: m, normalization: null, runner: '@runner-bot' },
      baseline: { record: rec, reason: 'newest ancestor <i>x</i>' }
    })
    const md = renderReport(j, { marker: 'default' })
    expect(md).not.toMatch(/<script|<b>|<i>|@octocat|@runner|[^\\]\]\(http/)
    expect(md).toContain('&lt;script&gt;')
  })

  it('no user text carries an HTML comment marker, not even inside a code span', () => {
    const m = makeMeasurement({ kwh: 0.2, metrics: { psds1: 0.6 } })
    const marker = '<!-- joulegate:other -->'
    m.notices = [`metrics line: \`${marker}\``, `closing --> and ${marker}`]
    m.host.cpu = `\`${marker}\``
    const md = renderReport(judged({ run: { measurement: m, normalization: null } }), {
      marker: 'default'
    })
    expect(md.split('\n')[0]).toBe('<!-- joulegate:default -->')
    expect(md.split('\n').slice(1).join('\n')).not.toMatch(/<!--|-->/)
    expect(escapeProse(`run \`${marker}\``)).toBe('run `<!\u200d-- joulegate:other -\u200d->`')
  })

  it('folds charts into details when there is history', () => {
    const history = [
      makeRecord({ kwh: 0.1, metrics: { psds1: 0.58 }, commit: 'aaaaaaa1' }),
      makeRecord({ kwh: 0.12, metrics: { psds1: 0.6 }, commit: 'bbbbbbb2' })
    ]
    const md = renderReport(judged(), { marker: null, history })
    expect(md).toContain('<details><summary>Chart: measured energy over recent history')
    expect(md).toContain('xychart-beta')
    expect(md).toContain('x-axis ["aaaaaaa", "bbbbbbb", "this run"]')
    // 0.1 to 0.2 kWh: the axis reads in Wh, the unit the tables use
    expect(md).toContain('y-axis "Wh"')
    expect(md).toContain('line [100, 120, 200]')
    expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length)
  })

  it.each([2_000, 5_000, REPORT_MAX_CHARS])(
    'stays under %p characters with a visible note',
    (max) => {
      const metrics: Record<string, number> = {}
      for (let i = 0; i < 3000; i++) metrics[`metric_${i}_${'x'.repeat(20)}`] = i
      const history = Array.from({ length: 30 }, (_, i) =>
        makeRecord({ kwh: 0.1 + i / 1000, commit: `c${i}`, metrics: { psds1: 0.5 + i / 100 } })
      )
      const j = judged({
        run: { measurement: makeMeasurement({ kwh: 0.2, metrics }), normalization: null }
      })
      const md = renderReport(j, { marker: 'default', history, maxChars: max })
      expect(md.length).toBeLessThanOrEqual(max)
      expect(md).toContain('Report truncated')
      expect(md.startsWith('<!-- joulegate:default -->')).toBe(true)
    }
  )

  it('a small report is not truncated', () => {
    expect(renderReport(judged(), { marker: null })).not.toContain('truncated')
  })
})

describe('fitToLimit', () => {
  it('closes an open details block it cut through', () => {
    const out = fitToLimit(
      ['head', `<details><summary>x</summary>\n\n${'line\n'.repeat(200)}</details>`],
      400
    )
    expect(out.length).toBeLessThanOrEqual(400)
    expect((out.match(/<details>/g) ?? []).length).toBe((out.match(/<\/details>/g) ?? []).length)
  })
})

describe('renderTerminal', () => {
  const text = renderTerminal(judged())
  it('gives the same first line as the comment, in plain text', () => {
    const lines = text.split('\n')
    expect(lines[0]).toBe(
      '✅ Pass: energy +100% over base (+100 Wh); budget allows +310% with psds1 +0.06.'
    )
  })

  it('lists one line per rule, with its status, figure and limit', () => {
    const rules = text.split('\n').filter((l) => l.startsWith('  - '))
    expect(rules.map((l) => l.slice(4).split(':')[0])).toEqual([
      'energy-increase',
      'price',
      'co2-grams'
    ])
    expect(rules[1]).toMatch(/^ {2}- price: ✅ pass; \+100\.0% .*; limit ≤ \+310\.0%/)
  })

  it('has no HTML marker, folding, chart source or markdown table syntax', () => {
    expect(text).not.toMatch(/<!--|<details>|mermaid|xychart|\*\*|\| - \|/)
    expect(text).toMatch(
      /^ {2}energy, measured +100 Wh \(counter\) +200 Wh \(counter\) +\+100\.0%/m
    )
  })
})
