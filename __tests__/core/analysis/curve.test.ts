import { describe, expect, it } from '@jest/globals'
import {
  analyseCurve,
  describeCurve,
  findKnee,
  findPriceStop,
  extractCurve,
  pickDefaultMetric
} from '../../../src/core/analysis/curve.js'
import type { ProgressPoint } from '../../../src/core/types.js'

const KWH = 3.6e6
/** One metric line per kWh: values[i] reported after (i + 1) kWh. */
const progressOf = (values: number[], key = 'psds1'): ProgressPoint[] =>
  values.map((v, i) => ({
    elapsedS: 10 * (i + 1),
    energyJ: (i + 1) * KWH,
    values: { epoch: i + 1, [key]: v }
  }))

describe('reach: energy to 90/95/99% of the final value', () => {
  // final 0.60: 90% = 0.54 (first at kWh 3), 95% = 0.57 (kWh 4), 99% = 0.594 (kWh 10)
  const curve = progressOf([0.3, 0.5, 0.55, 0.58, 0.58, 0.585, 0.59, 0.59, 0.59, 0.6])
  it.each([
    { fraction: 0.9, index: 2, energyFraction: 0.3 },
    { fraction: 0.95, index: 3, energyFraction: 0.4 },
    { fraction: 0.99, index: 9, energyFraction: 1 }
  ])('$fraction of the final psds1 at point $index', ({ fraction, index, energyFraction }) => {
    const a = analyseCurve(curve, { metric: 'psds1' })!
    const r = a.reach.find((x) => x?.fraction === fraction)!
    expect(r.index).toBe(index)
    expect(r.energyFraction).toBeCloseTo(energyFraction, 12)
  })

  it('for a lower-is-better metric, measures the share of the improvement from the first value', () => {
    // loss 1.0 -> 0.2: 95% of the improvement is 1.0 - 0.95 * 0.8 = 0.24, first met at kWh 4
    const a = analyseCurve(progressOf([1.0, 0.5, 0.3, 0.24, 0.22, 0.2], 'val_loss'), {
      metric: 'val_loss'
    })!
    expect(a.direction).toBe('lower')
    expect(a.reach[1]!.target).toBeCloseTo(0.24, 12)
    expect(a.reach[1]!.index).toBe(3)
  })
})

describe('findPriceStop: the first point after which no later stretch pays', () => {
  // gains per kWh between consecutive points: 0.3, 0.1, 0.05, 0.02, 0.0
  const points = extractCurve(progressOf([0.1, 0.4, 0.5, 0.55, 0.57, 0.57]), 'psds1')
  it.each([
    { kwhPerUnit: 5, stop: 1 }, // needs 0.2 per kWh: 0.1 -> 0.4 pays; from 0.4 the best later slope is 0.1
    { kwhPerUnit: 12, stop: 2 }, // needs 0.0833: 0.4 -> 0.5 pays (0.1); from 0.5 the best is 0.05
    { kwhPerUnit: 25, stop: 3 }, // needs 0.04: 0.5 -> 0.55 pays (0.05); from 0.55 the best is 0.02
    { kwhPerUnit: 1000, stop: 4 } // needs 0.001: only the flat last segment fails
  ])('price $kwhPerUnit kWh per unit -> stop at point $stop', ({ kwhPerUnit, stop }) => {
    expect(findPriceStop(points, 'higher', kwhPerUnit)).toBe(stop)
  })

  it('returns null while training still pays at the end', () => {
    // every stretch gains 0.1 per kWh; the price asks for 0.05
    expect(
      findPriceStop(extractCurve(progressOf([0.1, 0.2, 0.3, 0.4]), 'psds1'), 'higher', 20)
    ).toBeNull()
  })

  it('is not fooled by one noisy dip when a later point pays', () => {
    // 0.40 -> 0.38 is a loss, but 0.40 -> 0.50 two kWh later pays 0.05 per kWh
    const noisy = extractCurve(progressOf([0.2, 0.4, 0.38, 0.5, 0.5]), 'psds1')
    expect(findPriceStop(noisy, 'higher', 25)).toBe(3)
  })
})

describe('findKnee (Kneedle difference curve, no smoothing)', () => {
  it.each([
    { name: 'sharp elbow', values: [0, 0.8, 0.85, 0.9, 0.92, 0.93], knee: 1 },
    { name: 'straight line has no knee', values: [0.1, 0.2, 0.3, 0.4], knee: null },
    { name: 'two points have no knee', values: [0.1, 0.5], knee: null },
    { name: 'flat curve has no knee', values: [0.5, 0.5, 0.5], knee: null },
    { name: 'later elbow', values: [0, 0.2, 0.4, 0.9, 0.95, 1.0], knee: 3 }
  ])('$name', ({ values, knee }) => {
    expect(findKnee(extractCurve(progressOf(values), 'psds1'), 'higher')).toBe(knee)
  })
})

describe('describeCurve', () => {
  const curve = progressOf([0.3, 0.5, 0.55, 0.58, 0.58, 0.585, 0.59, 0.59, 0.59, 0.6])
  it.each([
    {
      price: null,
      expected:
        /^95% of the final psds1 was reached after 40% of the energy \(epoch 4\); the knee of the curve is at 30% of the energy \(epoch 3\)\.$/
    },
    {
      price: 10,
      expected:
        /^95% of the final psds1 was reached after 40% of the energy \(epoch 4\); at 10 kWh per \+1\.0 psds1, training stopped paying for itself after 20% of the energy \(epoch 2\): the last 8 kWh/
    },
    {
      price: 1000,
      expected: /training still paid for itself at 1000 kWh per \+1\.0 psds1 up to the end\.$/
    }
  ])('price $price', ({ price, expected }) => {
    expect(
      describeCurve(analyseCurve(curve, { metric: 'psds1', priceKwhPerUnit: price })!)
    ).toMatch(expected)
  })
})

describe('describeCurve advises a stop point only when it is sound', () => {
  const stopWords = /stopped paying for itself after|knee of the curve/
  it('not when the metric never rose (psds1 0 at every epoch)', () => {
    const a = analyseCurve(progressOf([0, 0, 0, 0]), { metric: 'psds1', priceKwhPerUnit: 10 })!
    const text = describeCurve(a)
    expect(text).not.toMatch(stopWords)
    expect(text).toMatch(
      /^psds1 did not improve during training \(0 at the first report, 0 at the last\)/
    )
  })

  it('not with fewer than three progress points', () => {
    const a = analyseCurve(progressOf([0.3, 0.6]), { metric: 'psds1', priceKwhPerUnit: 10 })!
    expect(describeCurve(a)).toMatch(/with only 2 progress points no stop point is advised\.$/)
  })

  it('not when the energy figures are estimates', () => {
    const curve = progressOf([0.3, 0.5, 0.55, 0.58, 0.58, 0.585, 0.59, 0.59, 0.59, 0.6])
    const a = analyseCurve(curve, { metric: 'psds1', priceKwhPerUnit: 10 })!
    expect(describeCurve(a)).toMatch(stopWords)
    const text = describeCurve(a, 0.95, { advise: false })
    expect(text).not.toMatch(stopWords)
    expect(text).toMatch(/the energy figures are estimates, so no stop point is advised\.$/)
  })
})

describe('pickDefaultMetric', () => {
  it.each([
    { values: [{ epoch: 1, params: 5, psds1: 0.2, loss: 1 }], expected: 'psds1' },
    {
      values: [
        { step: 1, flops: 3 },
        { step: 2, label: 'x', acc: 0.5 }
      ],
      expected: 'acc'
    },
    { values: [{ epoch: 1, macs: 4 }], expected: null }
  ])('$expected', ({ values, expected }) => {
    const progress: ProgressPoint[] = values.map((v, i) => ({
      elapsedS: i,
      energyJ: i,
      values: v as ProgressPoint['values']
    }))
    expect(pickDefaultMetric(progress)).toBe(expected)
  })
})
