import { describe, expect, it } from '@jest/globals'
import { fitKernel } from '../../../src/core/normalize/kernel.js'

// x: ln GPU use, y: ln ratio. A clean power law between two cards is a line here.
const line = (a: number, b: number, xs: number[]) => xs.map((x) => ({ x, y: a + b * x }))
const USES = [-1.6, -1.1, -0.8, -0.5, -0.3, -0.1]

describe('fitKernel', () => {
  it.each([
    { name: 'a clean power law, inside the range', points: line(0.5, -0.2, USES), x: -0.7 },
    { name: 'a clean power law, beyond the range', points: line(0.5, -0.2, USES), x: 0.2 },
    { name: 'a steep clean law', points: line(-0.3, 0.9, USES), x: -1.3 }
  ])('recovers $name exactly', ({ points, x }) => {
    const a =
      points[1].y - points[1].x * ((points[1].y - points[0].y) / (points[1].x - points[0].x))
    const b = (points[1].y - points[0].y) / (points[1].x - points[0].x)
    expect(fitKernel(points)(x)).toBeCloseTo(a + b * x, 6)
  })
})
