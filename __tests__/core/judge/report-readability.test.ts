// Our own text reads as plain markdown; only user values are escaped; rows say what decided.
import { describe, expect, it } from '@jest/globals'
import { escapeProse } from '../../../src/core/report/escape-markdown.js'
import { formatKwh, toKwh } from '../../../src/core/report/format.js'
import { renderReport } from '../../../src/core/report/render-report.js'
import { renderTerminal } from '../../../src/core/report/terminal.js'
import { describeRuleStatus, NET_NOTE } from '../../../src/core/report/report-tables.js'
import { judge, type JudgeInput, type RuleResult } from '../../../src/core/judge/verdict.js'
import type { Component, Measurement } from '../../../src/core/types.js'
import { makeBudget, makeInput, makeMeasurement, makeRecord } from './fixtures.js'

const budget = makeBudget({
  metrics: { psds1: 'higher' },
  energyIncrease: 0.1,
  price: { metric: 'psds1', kwhPerUnit: 5 },
  co2Grams: 800
})

function judged(runKwh: number, baseKwh: number | null, over: Partial<JudgeInput> = {}) {
  return judge(
    makeInput({
      budget,
      run: {
        measurement: makeMeasurement({ kwh: runKwh, metrics: { psds1: 0.65 } }),
        normalization: null
      },
      baseline:
        baseKwh === null
          ? null
          : {
              record: makeRecord({ kwh: baseKwh, metrics: { psds1: 0.59 } }),
              reason: 'HEAD 0000000 has a record'
            },
      ...over
    })
  )
}

describe('escapeProse: our sentences keep their code spans, user parts are escaped', () => {
  it.each([
    { input: 'run `calibrate` first', want: 'run `calibrate` first' },
    { input: 'Fix: `sudo chmod a+r /sys/x`', want: 'Fix: `sudo chmod a+r /sys/x`' },
    { input: 'metric **x** has `y`', want: 'metric \\*\\*x\\*\\* has `y`' },
    { input: 'ping @bob and `@bob`', want: 'ping @\u200dbob and `@bob`' },
    { input: 'a <b> `c`', want: 'a &lt;b&gt; `c`' },
    // a pipe would split a table cell even inside code, so that span is not kept
    { input: 'metric `a|b`', want: 'metric \\`a&#124;b\\`' },
    { input: 'one ` lone tick', want: 'one \\` lone tick' },
    { input: 'see https://x.example', want: 'see https:\u200d//x.example' }
  ])('$input', ({ input, want }) => {
    expect(escapeProse(input)).toBe(want)
  })

  it.each([
    ['- item', true, '\\- item'],
    ['+12% more', false, '+12% more'],
    ['+12% more', true, '\\+12% more']
  ])('%p at line start %p', (input, lineStart, want) => {
    expect(escapeProse(input, { lineStart })).toBe(want)
  })
})

describe('report text written by us is not escaped', () => {
  const md = renderReport(judged(0.2, 0.1), { marker: 'default' })

  it.each([
    ['the noise note keeps its command as code', 'run `calibrate`'],
    ['the carbon line keeps its quotes', '"Carbon intensity of electricity generation"'],
    ['a rule cell starting with + has no backslash', '| ≤ +10.0% |']
  ])('%s', (_name, text) => {
    expect(md).toContain(text)
  })

  it.each([['\\'], ['&quot;'], ['&amp;']])('has no %p when no user value needs one', (text) => {
    expect(md).not.toContain(text)
  })

  it('still escapes a user value inside our sentence', () => {
    const b = makeBudget({ ...budget, source: 'x_y*.yml' })
    const out = renderReport(judged(0.2, 0.1, { budget: b }), { marker: null })
    expect(out).toContain('x\\_y\\*.yml')
  })
})

describe('a superseded rule did not decide the verdict', () => {
  const base: RuleResult = {
    rule: 'energy-increase',
    status: 'fail',
    limit: '≤ +10.0%',
    actual: '+100.0%',
    explanation: 'x',
    supersededBy: 'price'
  }
  it.each([
    ['fail', 'alone it would fail'],
    ['pass', 'alone it would pass'],
    ['inconclusive', 'alone it would be inconclusive']
  ] as const)('alone %p', (status, words) => {
    const text = describeRuleStatus({ ...base, status })
    expect(text).toMatch(/^➖ not deciding: the price rule judges energy/)
    expect(text).toContain(words)
    expect(text).not.toMatch(/❌|✅|⚠️/)
    expect(describeRuleStatus({ ...base, status }, false)).toMatch(/^not deciding: the price rule/)
  })

  it('the passing price verdict shows no red cross anywhere', () => {
    const j = judged(0.2, 0.1)
    expect(j.verdict).toBe('pass')
    const md = renderReport(j, { marker: null })
    expect(md).not.toContain('❌')
    expect(md).toMatch(/\| energy-increase \| ➖ not deciding: .*\(alone it would fail\)/)
    expect(renderTerminal(j)).not.toMatch(/energy-increase: ❌/)
    expect(renderTerminal(j)).toMatch(/energy-increase: ➖ not deciding/)
  })
})

const component = (
  id: string,
  kind: Component['kind'],
  method: Component['method'],
  kwh: number
): Component => ({
  id,
  kind,
  name: id,
  method,
  source: method === 'estimate' ? 'estimate' : 'nvml',
  energyJ: kwh * 3.6e6,
  meanPowerW: 100
})

function withComponents(components: Component[]): Measurement {
  const m = makeMeasurement({ kwh: 0, metrics: { psds1: 0.6 } })
  m.components = components
  m.energyJ = components.reduce((s, c) => s + c.energyJ, 0)
  return m
}

describe('the no-baseline headline uses the same method words as the table', () => {
  it.each([
    [[component('gpu0', 'gpu', 'counter', 0.2)], '200 Wh (counter)', '≈'],
    [
      [component('gpu0', 'gpu', 'counter', 0.15), component('cpu', 'cpu', 'estimate', 0.05)],
      '≈ 200 Wh (mixed, includes estimate)',
      '(estimate)'
    ],
    [[component('cpu', 'cpu', 'estimate', 0.2)], '≈ 200 Wh (estimate)', 'mixed']
  ])('%#', (components, want, absent) => {
    const j = judged(0, null, {
      run: { measurement: withComponents(components), normalization: null }
    })
    expect(j.verdict).toBe('no-baseline')
    expect(j.headline).toContain(want)
    expect(j.headline).not.toContain(absent)
    const md = renderReport(j, { marker: null })
    expect(md.split('\n')[0]).toContain(want)
    expect(md).toContain(`| ${want} |`)
  })
})

describe('baseline provenance', () => {
  it('a record with no commit says so once, without "unknown"', () => {
    const rec = makeRecord({ kwh: 0.1, metrics: { psds1: 0.59 } })
    rec.commit = null
    const md = renderReport(
      judged(0.2, null, {
        baseline: {
          record: rec,
          reason: 'there is no git history, so the newest record is the baseline'
        }
      }),
      { marker: null }
    )
    expect(md).toContain(
      `- **Baseline:** a record with no commit, recorded ${rec.recordedAt}: there is no git history, so the newest record is the baseline`
    )
    expect(md).not.toContain('unknown')
  })
})

describe('idle power and net energy (informative)', () => {
  const withIdle = (kwh: number, idle: number | null) => {
    const m = makeMeasurement({ kwh, metrics: { psds1: 0.6 } })
    m.idlePowerW = idle
    return m
  }
  const run = (runIdle: number | null, baseIdle: number | null) => {
    const rec = makeRecord({ kwh: 0.1, metrics: { psds1: 0.59 } })
    rec.measurement = withIdle(0.1, baseIdle)
    return judged(0, 0, {
      run: { measurement: withIdle(0.2, runIdle), normalization: null },
      baseline: { record: rec, reason: 'HEAD 0000000 has a record' }
    })
  }

  it.each([
    [100, 90],
    [30, 250]
  ])('run idle %p W, base idle %p W: both rows with method, and the note once', (r, b) => {
    const j = run(r, b)
    const md = renderReport(j, { marker: null })
    const net = (kwh: number, w: number, s: number) => formatKwh(toKwh(kwh * 3.6e6 - w * s))
    const durationS = j.input.run.measurement.durationS
    expect(md).toMatch(
      new RegExp(
        `\\| idle power \\| ${b} W \\(counter, at rest before the run\\) \\| ${r} W \\(counter`
      )
    )
    expect(md).toContain(
      `| ${net(0.1, b, durationS)} (counter, net of idle) | ${net(0.2, r, durationS)} (counter, net of idle) |`
    )
    expect(md.split(NET_NOTE).length - 1).toBe(1)
    // informative only: the verdict is the one gross energy gives
    expect(j.verdict).toBe(run(null, null).verdict)
  })

  it('estimates on both sides: no idle rows, since a power model at rest is no measured idle', () => {
    const estimated = (kwh: number, idle: number) => {
      const m = makeMeasurement({ kwh, metrics: { psds1: 0.6 }, method: 'estimate' })
      m.idlePowerW = idle
      return m
    }
    const rec = makeRecord({ kwh: 0.1, metrics: { psds1: 0.59 } })
    rec.measurement = estimated(0.1, 90)
    const j = judged(0, 0, {
      run: { measurement: estimated(0.2, 100), normalization: null },
      baseline: { record: rec, reason: 'HEAD 0000000 has a record' }
    })
    const md = renderReport(j, { marker: null })
    expect(md).not.toMatch(/idle power|net of idle/)
    expect(md).not.toContain(NET_NOTE)
  })

  it.each([
    [100, null],
    [null, 90],
    [null, null]
  ])('run idle %p, base idle %p: no idle rows', (r, b) => {
    const md = renderReport(run(r, b), { marker: null })
    expect(md).not.toContain('idle power')
    expect(md).not.toContain(NET_NOTE)
  })
})
