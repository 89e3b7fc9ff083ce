// `node dist/cli.js normalize` and `caps` on small files written here (no ../shared datasets: CI
// has none), checked the way an external check reads them: exit status and the JSON contract.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makePair, measurementJson, powerLaw } from '../core/normalize/fixtures.js'
import { runCli } from '../helpers/cli-harness.js'

let dir = ''
const file = (name: string): string => join(dir, name)
const env = { PATH: process.env['PATH'] }
const cli = (args: string[]) => runCli(args, { cwd: dir, env })

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'joulegate-cli-files-'))
  // the reference host's energy is local energy × a power law of local power
  const { local, reference } = makePair(
    [60, 110, 160, 210, 260].map((powerW, i) => ({
      workload: `w${i}`,
      powerW,
      durationS: 30,
      ratio: powerLaw(0.5, -0.2)(powerW)
    }))
  )
  writeFileSync(file('local.json'), JSON.stringify(local))
  writeFileSync(file('reference.json'), JSON.stringify(reference))
  // the reference keeps w0 and renames the rest: one shared workload
  const lonely = {
    ...reference,
    points: reference.points.map((p, i) => (i === 0 ? p : { ...p, workload: `other${i}` }))
  }
  writeFileSync(file('one-shared.json'), JSON.stringify(lonely))
  writeFileSync(file('m1.json'), JSON.stringify(measurementJson()))
  writeFileSync(
    file('m2.json'),
    JSON.stringify(
      measurementJson({
        energyJ: 48000,
        durationS: 200,
        components: [
          {
            id: 'gpu0',
            kind: 'gpu',
            name: 'A40',
            method: 'counter',
            source: 'nvml',
            energyJ: 48000,
            meanPowerW: 240,
            powerLimitW: 300
          }
        ]
      })
    )
  )
  writeFileSync(
    file('systems.csv'),
    [
      'system_code,psds1,energy_kwh,note',
      'A,0.50,1.0,baseline',
      'B,0.60,4.0,',
      'C,0.55,2.0,',
      'D,0.40,0.5,',
      'E,0.58,3.0,',
      'F,0.70,,no energy reported'
    ].join('\n')
  )
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('joulegate normalize --json', () => {
  it('prints one object per measurement with normalizedEnergyJ, an 80% interval, model and looError', async () => {
    const r = await cli([
      'normalize',
      '--local',
      file('local.json'),
      '--reference',
      file('reference.json'),
      '--measurement',
      file('m1.json'),
      '--measurement',
      file('m2.json'),
      '--json'
    ])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as {
      normalizedEnergyJ: number
      interval: [number, number]
      model: string
      looError: number
    }[]
    expect(out).toHaveLength(2)
    for (const o of out) {
      expect(typeof o.model).toBe('string')
      expect(o.looError).toBeGreaterThanOrEqual(0)
      expect(o.interval).toHaveLength(2)
      expect(o.interval[0]).toBeLessThanOrEqual(o.normalizedEnergyJ)
      expect(o.interval[1]).toBeGreaterThanOrEqual(o.normalizedEnergyJ)
    }
    // the calibrations follow the power law exactly: the truth is energy × law(power)
    const law = powerLaw(0.5, -0.2)
    expect(out[0]!.normalizedEnergyJ / (20000 * law(150))).toBeCloseTo(1, 2)
    expect(out[1]!.normalizedEnergyJ / (48000 * law(240))).toBeCloseTo(1, 2)
  })

  it('exits 2 with a clear message when the calibrations share one workload', async () => {
    const r = await cli([
      'normalize',
      '--local',
      file('local.json'),
      '--reference',
      file('one-shared.json'),
      '--measurement',
      file('m1.json'),
      '--json'
    ])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/share 1 workload\(s\) \(w0\)/)
    expect(r.stderr).not.toMatch(/\n\s+at /) // a message, not a stack trace
  })
})

describe('joulegate caps --json', () => {
  it('caps each cost at its maximum, median and 25th percentile, with the best score under each', async () => {
    const r = await cli([
      'caps',
      file('systems.csv'),
      '--score',
      'psds1',
      '--cost',
      'energy_kwh',
      '--json'
    ])
    expect(r.code).toBe(0)
    const { rows } = JSON.parse(r.stdout) as {
      rows: { cost: string; level: string; cap: number; best: number; label: string }[]
    }
    // F has no energy, so the rows are A..E: costs 0.5 1 2 3 4 (sorted)
    const pick = (level: string) => rows.find((x) => x.level === level)
    expect(pick('all')).toMatchObject({ cost: 'energy_kwh', cap: 4, best: 0.6, label: 'B' })
    expect(pick('median')).toMatchObject({ cap: 2, best: 0.55, label: 'C' })
    // linear interpolation: position 0.25 × (5 − 1) = 1 -> the second smallest cost
    expect(pick('p25')).toMatchObject({ cap: 1, best: 0.5, label: 'A' })
    expect(rows).toHaveLength(3)
  })

  it('exits 2 naming a column the CSV does not have', async () => {
    const r = await cli(['caps', file('systems.csv'), '--score', 'psds', '--cost', 'energy_kwh'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/"psds"/)
    expect(r.stderr).toMatch(/available columns: system_code, psds1, energy_kwh, note/)
  })
})
