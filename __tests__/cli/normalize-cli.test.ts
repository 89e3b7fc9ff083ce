import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { UsageError } from '../../src/core/errors.js'
import { runCommand } from '../../src/cli/main.js'
import type { CliIo } from '../../src/cli/io.js'
import { makePair, measurementJson, powerLaw } from '../core/normalize/fixtures.js'

const run = (argv: string[], io: CliIo) => runCommand('normalize', argv, io)

function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return {
    stdout,
    stderr,
    out: (t) => void stdout.push(t),
    err: (t) => void stderr.push(t),
    isTty: false
  }
}

let dir = ''
const file = (name: string): string => path.join(dir, name)
const law = powerLaw(1, -0.3)

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'jg-normalize-'))
  const { local, reference } = makePair(
    [40, 90, 140, 190, 240, 290].map((p, i) => ({
      workload: `w${i}`,
      powerW: p,
      durationS: 30,
      ratio: law(p)
    }))
  )
  await writeFile(file('local.json'), JSON.stringify(local))
  await writeFile(file('ref.json'), JSON.stringify(reference))
  await writeFile(file('m1.json'), JSON.stringify(measurementJson()))
  await writeFile(
    file('m2.json'),
    JSON.stringify(
      measurementJson({
        energyJ: 40000,
        durationS: 200,
        components: [{ kind: 'gpu', energyJ: 40000, meanPowerW: 200, powerLimitW: 300 }]
      })
    )
  )
  await writeFile(file('bad.json'), JSON.stringify(measurementJson({ energyJ: -1 })))
  await writeFile(file('broken.json'), '{ "energyJ": ')
})
afterAll(async () => rm(dir, { recursive: true, force: true }))

describe('joulegate normalize', () => {
  it('prints one JSON object per measurement with the contract fields', async () => {
    const io = captureIo()
    const code = await run(
      [
        '--local',
        file('local.json'),
        '--reference',
        file('ref.json'),
        '--measurement',
        file('m1.json'),
        '--measurement',
        file('m2.json'),
        '--json'
      ],
      io
    )
    expect(code).toBe(0)
    const out = JSON.parse(io.stdout.join('')) as Record<string, unknown>[]
    expect(out).toHaveLength(2)
    for (const o of out) {
      expect(Object.keys(o)).toEqual(
        expect.arrayContaining([
          'normalizedEnergyJ',
          'interval',
          'model',
          'looError',
          'pointsUsed',
          'reference'
        ])
      )
      const [lo, hi] = o.interval as number[]
      expect(lo).toBeLessThanOrEqual(o.normalizedEnergyJ as number)
      expect(hi).toBeGreaterThanOrEqual(o.normalizedEnergyJ as number)
    }
    // the data follow a power law exactly: the kernel model lands near 20000 J × law(150 W)
    expect(out[0].model).toBe('kernel')
    expect(Math.abs((out[0].normalizedEnergyJ as number) / (20000 * law(150)) - 1)).toBeLessThan(
      0.1
    )
    expect(out[0].evidence).toMatch(/workload family not given \(no anchor\); 6 suite points/)
  })

  it('prints a markdown table that says the figure is an estimate', async () => {
    const io = captureIo()
    expect(
      await run(
        [
          '--local',
          file('local.json'),
          '--reference',
          file('ref.json'),
          '--measurement',
          file('m1.json')
        ],
        io
      )
    ).toBe(0)
    expect(io.stdout.join('')).toMatch(/method: estimate/)
    expect(io.stdout.join('')).toMatch(/\| measurement +\| measured/)
  })

  it.each([
    [
      'missing --local',
      ['--reference', 'r', '--measurement', 'm'],
      /--local: got null, expected a calibration file/
    ],
    ['no measurement', ['--local', 'l', '--reference', 'r'], /--measurement/],
    [
      'unknown model',
      ['--local', 'l', '--reference', 'r', '--measurement', 'm', '--model', 'magic'],
      /--model: got "magic"/
    ],
    ['unknown flag', ['--frobnicate'], /normalize:/]
  ])('refuses %s with a UsageError', async (_name, argv, message) => {
    await expect(run(argv, captureIo())).rejects.toThrow(message)
  })

  it.each([
    ['a missing file', 'nope.json', /nope\.json: cannot read \(no such file\)/],
    ['invalid JSON', 'broken.json', /broken\.json: not valid JSON/],
    ['negative energy', 'bad.json', /bad\.json: energyJ: got -1/]
  ])('names the measurement file on %s', async (_name, name, message) => {
    const promise = run(
      ['--local', file('local.json'), '--reference', file('ref.json'), '--measurement', file(name)],
      captureIo()
    )
    await expect(promise).rejects.toThrow(UsageError)
    await expect(
      run(
        [
          '--local',
          file('local.json'),
          '--reference',
          file('ref.json'),
          '--measurement',
          file(name)
        ],
        captureIo()
      )
    ).rejects.toThrow(message)
  })

  it('names the measurement when the calibrations share too few workloads', async () => {
    await expect(
      run(
        [
          '--local',
          file('local.json'),
          '--reference',
          file('m1.json'),
          '--measurement',
          file('m1.json')
        ],
        captureIo()
      )
    ).rejects.toThrow(/m1\.json: schema/)
  })
})

describe('joulegate normalize: honest calibrations', () => {
  const args = (local: string, ...extra: string[]): string[] => [
    '--local',
    file(local),
    '--reference',
    file('ref.json'),
    '--measurement',
    file('m1.json'),
    '--json',
    ...extra
  ]
  const writeVariant = async (name: string, patch: Record<string, unknown>): Promise<void> => {
    const { local } = makePair(
      [40, 90, 140, 190, 240, 290].map((p, i) => ({
        workload: `w${i}`,
        powerW: p,
        durationS: 30,
        ratio: law(p)
      }))
    )
    await writeFile(file(name), JSON.stringify({ ...local, ...patch }))
  }

  it('refuses a quick calibration unless --allow-quick (or --force) is given', async () => {
    await writeVariant('quick.json', { kind: 'quick' })
    await expect(run(args('quick.json'), captureIo())).rejects.toThrow(
      /local calibration is a quick calibration .*--allow-quick/
    )
    for (const flag of ['--allow-quick', '--force']) {
      const io = captureIo()
      expect(await run(args('quick.json', flag), io)).toBe(0)
      expect(JSON.parse(io.stdout.join(''))[0].normalizedEnergyJ).toBeGreaterThan(0)
    }
  })

  it.each([
    ['kind estimate', { kind: 'estimate' }],
    [
      'an older file whose notice says so',
      {
        notices: [
          'no energy sensor: this calibration is built from the estimate model and cannot normalise real measurements'
        ]
      }
    ]
  ])(
    'refuses a calibration made on estimated energy (%s) for measured energy',
    async (_n, patch) => {
      await writeVariant('estimate.json', patch)
      await expect(run(args('estimate.json', '--allow-quick'), captureIo())).rejects.toThrow(
        /local calibration was made on estimated energy .*cannot normalise real measurements/
      )
    }
  )

  it('anchors on a same-family point and says so; an unseen family says it has no calibration', async () => {
    const { local, reference } = makePair(
      [40, 90, 140, 190, 240, 290, 150].map((p, i) => ({
        workload: i === 6 ? 'train' : `w${i}`,
        powerW: p,
        durationS: 30,
        // the job's family runs 1.5x off the suite's law: only its own point can know that
        ratio: law(p) * (i === 6 ? 1.5 : 1)
      }))
    )
    local.points[6]!.family = 'sed'
    reference.points[6]!.family = 'sed'
    await writeFile(file('local-anchor.json'), JSON.stringify(local))
    await writeFile(file('ref-anchor.json'), JSON.stringify(reference))
    const normalize = async (family: string): Promise<Record<string, unknown>> => {
      const io = captureIo()
      const argv = ['--local', file('local-anchor.json'), '--reference', file('ref-anchor.json')]
      await run([...argv, '--measurement', file('m1.json'), '--family', family, '--json'], io)
      return (JSON.parse(io.stdout.join('')) as Record<string, unknown>[])[0]!
    }
    const truth = 20000 * law(150) * 1.5
    const anchored = await normalize('sed')
    const unseen = await normalize('other')
    expect(anchored.evidence).toMatch(/anchor: train \(family sed\); 6 suite points; model/)
    expect(Math.abs((anchored.normalizedEnergyJ as number) / truth - 1)).toBeLessThan(0.1)
    expect(Math.abs((unseen.normalizedEnergyJ as number) / truth - 1)).toBeGreaterThan(0.2)
    expect(unseen.evidence).toMatch(/no calibration of this workload family \(other\)/)
    expect(unseen.notices).toEqual(
      expect.arrayContaining([expect.stringMatching(/no calibration of this workload family/)])
    )
  })
})
