import { describe, expect, it } from '@jest/globals'
import {
  computeEnergyCoverage,
  findMeasurementDoubts,
  MIN_ENERGY_COVERAGE
} from '../../../src/core/measure/measurement-doubt.js'
import { renderTerminal } from '../../../src/core/report/terminal.js'
import type { Component, Measurement } from '../../../src/core/types.js'
import { judge } from '../../../src/core/judge/verdict.js'
import { KWH, makeBudget, makeInput, makeMeasurement, makeRecord } from './fixtures.js'

const budget = makeBudget({ metrics: {}, energyIncrease: 0.1, energyKwh: 0.05 })
const BASE = "the pull request's base commit"

const gpu = (kwh: number, coverage = 0.998): Component => ({
  id: 'gpu0',
  kind: 'gpu',
  name: 'NVIDIA H100 80GB HBM3',
  method: 'counter',
  source: 'nvml',
  energyJ: kwh * KWH,
  meanPowerW: 500,
  coverage,
  samples: 600
})
const cpu = (kwh: number, coverage = 1): Component => ({
  id: 'cpu0',
  kind: 'cpu',
  name: 'package-0',
  method: 'counter',
  source: 'rapl',
  energyJ: kwh * KWH,
  meanPowerW: 60,
  coverage,
  samples: 60
})

function withComponents(components: Component[]): Measurement {
  const m = makeMeasurement({ kwh: 0 })
  m.components = components
  m.energyJ = components.reduce((s, c) => s + c.energyJ, 0)
  return m
}

function judgeSides(run: Component[], base: Component[] | null) {
  const record = makeRecord({ kwh: 0 })
  if (base) record.measurement = withComponents(base)
  return judge(
    makeInput({
      budget,
      run: { measurement: withComponents(run), normalization: null },
      baseline: base ? { record, reason: BASE } : null
    })
  )
}

describe('judge: a sensor fault is never a confident verdict', () => {
  it.each([
    {
      name: 'nvidia-smi gave no readings, so the GPU is missing from the run (was PASS -86%)',
      run: [cpu(0.002)],
      base: [gpu(0.012), cpu(0.002)],
      reason: /the run did not measure gpu0 \(NVIDIA H100 80GB HBM3\), which the baseline measured/
    },
    {
      name: 'a RAPL counter unreadable for the second half of the run (was PASS -69.5%)',
      run: [gpu(0.0004), cpu(0.001, 0.3)],
      base: [gpu(0.0004), cpu(0.002)],
      reason:
        /the run's readings cover \d+\.\d% of its energy \(cpu0 30\.0%\), below the 90\.0% needed/
    },
    {
      name: 'a counter reset, now a gap, on the run (was FAIL +112,902%)',
      run: [gpu(0.01, 0.5), cpu(0.002)],
      base: [gpu(0.01), cpu(0.002)],
      reason: /the run's readings cover .* \(gpu0 50\.0%\)/
    },
    {
      name: 'a gap on the baseline side',
      run: [gpu(0.01), cpu(0.002)],
      base: [gpu(0.004, 0.4), cpu(0.002)],
      reason: /the baseline's readings cover .* \(gpu0 40\.0%/
    },
    {
      name: 'a component the baseline did not have',
      run: [gpu(0.01), cpu(0.002)],
      base: [gpu(0.01)],
      reason: /the run measured cpu0 \(package-0\), which the baseline did not/
    },
    {
      name: 'no baseline, a run far over the energy-kwh cap but mostly unmeasured',
      run: [gpu(0.5, 0.2)],
      base: null,
      reason: /the run's readings cover 20\.0% of its energy/
    }
  ])('$name: inconclusive with the reason first', ({ run, base, reason }) => {
    const j = judgeSides(run, base)
    expect(j.verdict).toBe('inconclusive')
    expect(j.decidingRule).toBeNull()
    expect(j.headline).toMatch(/^measurement incomplete, not judged: /)
    expect(j.headline).toMatch(reason)
    const [first, second] = renderTerminal(j).split('\n')
    expect(first).toMatch(/^⚠️ Inconclusive: measurement incomplete, not judged/)
    // the reason opens the second line, as a sentence of its own
    expect(`${first}\n${second}`).toMatch(new RegExp(reason.source, 'i'))
  })

  it.each([
    { name: 'full coverage passes', run: 0.005, verdict: 'pass' },
    { name: 'full coverage fails', run: 0.02, verdict: 'fail' }
  ])('the same sides, fully covered, are judged: $name', ({ run, verdict }) => {
    expect(judgeSides([gpu(run * 0.8), cpu(run * 0.2)], [gpu(0.008), cpu(0.002)]).verdict).toBe(
      verdict
    )
  })

  it('a small component with a gap does not hold up a verdict the GPU decides', () => {
    // 99.5% of the energy is covered: the cpu's missing half cannot move a 10% budget
    const j = judgeSides([gpu(0.02), cpu(0.0001, 0.5)], [gpu(0.01), cpu(0.0001)])
    expect(j.verdict).toBe('fail')
  })
})

describe('computeEnergyCoverage', () => {
  it.each([
    { name: 'no coverage fields', components: [{ ...gpu(1), coverage: undefined }], expected: 1 },
    {
      name: 'one full, one half of equal energy',
      components: [gpu(1, 1), cpu(1, 0.5)],
      expected: 2 / 3
    },
    {
      name: 'a component with energy but no coverage',
      components: [gpu(1, 1), cpu(1, 0)],
      expected: 0
    },
    {
      name: 'an unmeasured component (0 J, 0 coverage)',
      components: [gpu(1, 1), cpu(0, 0)],
      expected: 0
    },
    { name: 'nothing at all', components: [], expected: 1 }
  ])('$name', ({ components, expected }) => {
    expect(computeEnergyCoverage(components)).toBeCloseTo(expected, 9)
  })

  it('names the threshold the docs state', () => {
    expect(MIN_ENERGY_COVERAGE).toBe(0.9)
    expect(findMeasurementDoubts(withComponents([gpu(1, 0.91)]), null)).toEqual([])
    expect(findMeasurementDoubts(withComponents([gpu(1, 0.89)]), null)).toHaveLength(1)
  })
})
