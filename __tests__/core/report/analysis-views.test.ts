import { describe, expect, it } from '@jest/globals'
import { computeCaps } from '../../../src/core/analysis/caps.js'
import { analyseCurve } from '../../../src/core/analysis/curve.js'
import type { NormalizationResult } from '../../../src/core/normalize/index.js'
import {
  formatCalibrationLines,
  renderCalibrationReport
} from '../../../src/core/report/calibration-report.js'
import { formatCapsMarkdown } from '../../../src/core/report/caps-report.js'
import { formatCurveMarkdown } from '../../../src/core/report/curve-report.js'
import { formatNormalizeTable } from '../../../src/core/report/normalize-report.js'
import { makeCalibration } from '../../adapters/store/records.js'

// `6.24e-5` in a table makes a reader decode it; each view writes its figures out in full.
const E_NOTATION = /\d(\.\d+)?e[+-]?\d/

describe('analysis views in core/report', () => {
  it('curve: a laptop-sized run (millijoules) writes its gain per kWh in full', () => {
    const progress = [0, 1, 2, 3].map((i) => ({
      elapsedS: i,
      energyJ: 0.01 * i,
      values: { step: i, loss: 1 - 0.1 * i }
    }))
    const analysis = analyseCurve(progress, { metric: 'loss', direction: 'lower' })!
    const md = formatCurveMarkdown(analysis, 'loss falls', null)
    expect(md).toContain('### loss against energy')
    // 0.1 loss per 0.01 J is 36 000 000 per kWh: toPrecision(3) would print 3.60e+7
    expect(md).toContain('36000000')
    expect(md).not.toMatch(E_NOTATION)
  })

  it('normalize: half a joule on the reference scale reads 0.000000139 kWh', () => {
    const result: NormalizationResult = {
      energyJ: 0.4,
      normalizedEnergyJ: 0.5,
      interval: [0.4, 0.6],
      model: 'ratio',
      looError: 0.05,
      pointsUsed: ['crnn-b16', 'resnet'],
      reference: 'A100 reference',
      ratio: 1.25,
      method: 'estimate',
      candidates: [],
      notices: [],
      evidence: 'two suite points'
    }
    const md = formatNormalizeTable(['run.json'], [result])
    expect(md).toContain('Energy on the reference scale of A100 reference (method: estimate).')
    expect(md).toContain('0.000000139 kWh')
    expect(md).toContain('- run.json: evidence: two suite points')
    expect(md).not.toMatch(E_NOTATION)
  })

  it('caps: scores and caps of a few micro-units stay in full', () => {
    const table = {
      columns: ['system', 'score', 'kwh'],
      rows: [
        { system: 'a', score: '0.0000001234', kwh: '0.00000002' },
        { system: 'b', score: '0.0000002345', kwh: '0.00000004' }
      ]
    }
    const md = formatCapsMarkdown(computeCaps(table, { score: 'score', costs: ['kwh'] }))
    expect(md).toContain('### Best score under a footprint cap')
    expect(md).toContain('0.0000002345')
    expect(md).not.toMatch(E_NOTATION)
  })

  it('calibration: the job summary and the terminal lines come from the same points', () => {
    const cal = makeCalibration('2026-01-01T00:00:00Z', 540)
    const md = renderCalibrationReport(cal, ['crnn-b16: +12.0% against the previous'], 'the store')
    expect(md).toContain(`### joulegate calibration for host \`${'f'.repeat(16)}\``)
    expect(md).toContain('NVIDIA A40; driver n/a; idle 95.0 W')
    expect(md).toContain('- crnn-b16: +12.0% against the previous')
    expect(md).toContain('Kept in the store.')
    expect(renderCalibrationReport(cal, [], null)).toMatch(
      /Not kept as this runner's calibration: a quick or interrupted run/
    )
    expect(formatCalibrationLines(cal)).toEqual(['  crnn-b16: 540 J in 30.0 s, 18.0 W, cv 0.0%'])
  })
})
