import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expandMultiValues } from '../../src/cli/commands/caps.js'
import { runCommand } from '../../src/cli/main.js'
import { UsageError } from '../../src/core/errors.js'
import type { CliIo } from '../../src/cli/io.js'

const runCaps = (argv: string[], io: CliIo) => runCommand('caps', argv, io)
const runCurve = (argv: string[], io: CliIo) => runCommand('curve', argv, io)

const capture = (): CliIo & { text: () => string } => {
  const chunks: string[] = []
  return {
    out: (t) => void chunks.push(t),
    err: (t) => void chunks.push(t),
    isTty: false,
    text: () => chunks.join('\n')
  }
}

let dir = ''
let csv = ''
let measurement = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'joulegate-analysis-'))
  csv = path.join(dir, 'systems.csv')
  await writeFile(
    csv,
    [
      'system_code,psds1,kwh,params,in_nonensemble_file',
      'A,0.5,1.0,100,yes',
      'B,0.6,4.0,400,yes',
      'C,0.55,2.0,150,yes',
      'D,0.4,0.5,50,yes',
      'E,0.9,0.1,10,no'
    ].join('\n')
  )
  measurement = path.join(dir, 'm.json')
  const progress = [0.2, 0.4, 0.5, 0.55, 0.56].map((v, i) => ({
    elapsedS: i + 1,
    energyJ: (i + 1) * 3.6e6,
    values: { epoch: i + 1, psds1: v }
  }))
  await writeFile(
    measurement,
    JSON.stringify({ schema: 'joulegate.measurement/v1', energyJ: 5 * 3.6e6, progress })
  )
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('joulegate caps', () => {
  it('prints the contract JSON: one row per cost and level', async () => {
    const io = capture()
    const status = await runCaps(
      [
        csv,
        '--score',
        'psds1',
        '--cost',
        'kwh',
        'params',
        '--where',
        'in_nonensemble_file=yes',
        '--json'
      ],
      io
    )
    expect(status).toBe(0)
    const out = JSON.parse(io.text()) as {
      rows: { cost: string; level: string; cap: number; best: number; label: string }[]
    }
    expect(out.rows.map((r) => `${r.cost}/${r.level}`)).toEqual([
      'kwh/all',
      'kwh/median',
      'kwh/p25',
      'params/all',
      'params/median',
      'params/p25'
    ])
    // kwh over A B C D: 0.5 1 2 4 -> median 1.5 (best A 0.5), p25 0.875 (best D 0.4)
    expect(out.rows[1]).toMatchObject({ cap: 1.5, best: 0.5, label: 'A' })
    expect(out.rows[2]).toMatchObject({ cap: 0.875, best: 0.4, label: 'D' })
  })

  it('prints a markdown table without --json', async () => {
    const io = capture()
    await runCaps(
      [csv, '--score', 'psds1', '--cost', 'kwh', '--ew-energy', 'kwh', '--ew-reference', 'A'],
      io
    )
    expect(io.text()).toMatch(/\| 25th percentile +\| 0\.9 E \(cap 0\.5\)/)
    expect(io.text()).toMatch(/#### Pareto front: psds1 against kwh/)
    expect(io.text()).toMatch(/#### Energy-weighted psds1/)
  })

  it.each([
    { argv: ['--score', 'psds1', '--cost', 'kwh'], message: /no CSV file given/ },
    { argv: ['CSV', '--cost', 'kwh'], message: /--score: got null/ },
    { argv: ['CSV', '--score', 'psds1'], message: /--cost: got null/ },
    {
      argv: ['CSV', '--score', 'psds1', '--cost', 'energy'],
      message: /--cost: got "energy".*available columns: system_code, psds1, kwh/
    },
    {
      argv: ['CSV', '--score', 'psds1', '--cost', 'kwh', '--where', 'kwh'],
      message: /--where: got "kwh", expected COL=VALUE/
    },
    { argv: ['CSV', '--score', 'psds1', '--cost', 'kwh', '--bogus'], message: /bogus/ },
    {
      argv: ['CSV', '--score', 'psds1', '--cost', 'kwh', '--ew-energy', 'kwh'],
      message: /both --ew-energy and --ew-reference/
    },
    {
      argv: ['/no/such.csv', '--score', 'psds1', '--cost', 'kwh'],
      message: /FILE: got "\/no\/such.csv", expected a readable CSV file \(no such file\)/
    }
  ])('$argv -> UsageError', async ({ argv, message }) => {
    const args = argv.map((a) => (a === 'CSV' ? csv : a))
    await expect(runCaps(args, capture())).rejects.toThrow(UsageError)
    await expect(runCaps(args, capture())).rejects.toThrow(message)
  })
})

describe('expandMultiValues', () => {
  it.each([
    {
      argv: ['f.csv', '--cost', 'a', 'b', '--json'],
      expected: ['f.csv', '--cost', 'a', '--cost', 'b', '--json']
    },
    {
      argv: ['--cost', 'a,b', 'f.csv'],
      expected: ['--cost', 'a', '--cost', 'b', '--cost', 'f.csv']
    },
    { argv: ['--where', 'x=AudioSet, ImageNet'], expected: ['--where', 'x=AudioSet, ImageNet'] },
    { argv: ['--score', 's', 'f.csv'], expected: ['--score', 's', 'f.csv'] }
  ])('$argv', ({ argv, expected }) => {
    expect(expandMultiValues(argv)).toEqual(expected)
  })

  it('takes a trailing .csv after --cost as the file', async () => {
    const io = capture()
    await runCaps(['--score', 'psds1', '--cost', 'kwh', csv, '--json'], io)
    expect(JSON.parse(io.text()).rows).toHaveLength(3)
  })
})

describe('joulegate curve', () => {
  it('prints the analysis, the sentence and a projection as JSON', async () => {
    const io = capture()
    expect(
      await runCurve(
        [measurement, '--json', '--price', '10', '--planned', '20', '--projected-kwh', '30'],
        io
      )
    ).toBe(0)
    const out = JSON.parse(io.text())
    expect(out.metric).toBe('psds1')
    // 95% of 0.56 = 0.532: first met at epoch 4 (0.55), after 4 of 5 kWh
    expect(out.sentence).toMatch(
      /^95% of the final psds1 was reached after 80% of the energy \(epoch 4\)/
    )
    // needs 0.1 per kWh: 0.4 -> 0.5 is exactly the price (pays); from 0.5 the best later slope is 0.05
    expect(out.analysis.stop).toMatchObject({ method: 'price', index: 2 })
    expect(out.projection.projectedJ).toBeCloseTo(20 * 3.6e6, 3)
    expect(out.projection.budget.status).toBe('under')
  })

  it('takes direction, price and projected-kwh from --config, and flags win over it', async () => {
    const budget = path.join(dir, 'budget.yml')
    await writeFile(
      budget,
      'metrics:\n  psds1: higher\nbudget:\n  price:\n    metric: psds1\n    kwh-per-unit: 10\n  projected-kwh: 1\n'
    )
    const io = capture()
    await runCurve([measurement, '--json', '--config', budget, '--planned', '20'], io)
    const out = JSON.parse(io.text())
    expect(out.analysis).toMatchObject({
      priceKwhPerUnit: 10,
      direction: 'higher',
      stop: { method: 'price', index: 2 }
    })
    expect(out.projection.budget).toEqual({ projectedKwh: 1, status: 'over' })
    const io2 = capture()
    await runCurve([measurement, '--json', '--config', budget, '--price', '1000'], io2)
    expect(JSON.parse(io2.text()).analysis.priceKwhPerUnit).toBe(1000)
  })

  it.each([
    {
      argv: ['M', '--config', '/no/budget.yml'],
      message: /--config: got "\/no\/budget.yml", expected a readable budget file/
    },
    { argv: ['M', '--metric', 'nope'], message: /--metric: got "nope".*available: psds1/ },
    { argv: ['M', '--price=-1'], message: /--price: got "-1", expected a positive number/ },
    {
      argv: ['M', '--direction', 'up'],
      message: /--direction: got "up", expected higher or lower/
    },
    { argv: ['M', '--planned', '2.5'], message: /--planned: got "2.5"/ },
    { argv: [], message: /no measurement file given/ }
  ])('$argv -> UsageError', async ({ argv, message }) => {
    const args = argv.map((a) => (a === 'M' ? measurement : a))
    await expect(runCurve(args, capture())).rejects.toThrow(message)
  })
})
