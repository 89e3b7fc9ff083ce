import { describe, expect, it } from '@jest/globals'
import {
  buildDashboardData,
  findParetoFront
} from '../../src/core/report/dashboard/dashboard-data.js'
import { toRepositoryUrl } from '../../src/core/report/dashboard/repository-url.js'
import {
  escapeHtml,
  renderDashboard,
  toDataIsland
} from '../../src/core/report/dashboard/render-dashboard.js'
import { makeCalibration, makeRecord } from '../adapters/store/records.js'

const ASSETS = { js: 'window.uPlot = function () {}', css: '.u-legend{}', version: 'test' }

describe('findParetoFront', () => {
  it('keeps the runs no other run beats on both energy and a higher-is-better metric', () => {
    // energy ascending; metric: 0.3 0.2 0.5 0.5 0.4 0.7
    const front = findParetoFront([1, 2, 3, 4, 5, 6], [0.3, 0.2, 0.5, 0.5, 0.4, 0.7], 'higher')
    expect(front).toEqual([0, 2, 5])
  })

  it('flips for a lower-is-better metric and takes the best of equal energies', () => {
    const front = findParetoFront([1, 2, 2, 3], [0.9, 0.8, 0.6, 0.7], 'lower')
    expect(front).toEqual([0, 2])
  })

  it('skips runs without the metric', () => {
    expect(findParetoFront([1, 2, 3], [null, 0.1, 0.2], 'higher')).toEqual([1, 2])
  })
})

describe('toRepositoryUrl', () => {
  it.each([
    ['git@github.com:acme/sed.git', 'https://github.com/acme/sed'],
    ['https://x-access-token:abc@github.com/acme/sed.git', 'https://github.com/acme/sed'],
    ['ssh://git@ghe.example.com:2222/team/sed', 'https://ghe.example.com/team/sed'],
    ['https://github.com/acme/sed/', 'https://github.com/acme/sed']
  ])('%s -> %s', (remote, url) => {
    expect(toRepositoryUrl(remote)).toBe(url)
  })

  it.each([
    'javascript:alert(1)',
    '../origin.git',
    '/srv/git/sed.git',
    'https://github.com/a/../b',
    ''
  ])('refuses %p', (remote) => expect(toRepositoryUrl(remote)).toBeNull())
})

describe('buildDashboardData', () => {
  const records = [
    makeRecord({ energyJ: 7200, recordedAt: '2026-01-02T00:00:00Z', commit: 'b'.repeat(40) }),
    makeRecord({ energyJ: 3600, recordedAt: '2026-01-01T00:00:00Z', commit: 'a'.repeat(40) })
  ]
  records[0].measurement.metrics = { acc: 0.7, planned_epochs: 5, params: 1e6 }
  records[0].verdict = 'fail'

  it('sorts by time, scales energy to one unit and hides reserved keys', () => {
    const data = buildDashboardData({
      history: [{ series: 'default', records }],
      calibrations: [],
      repoUrl: null,
      generatedAt: '2026-01-03T00:00:00Z'
    })
    const runner = data.series[0].runners[0]
    expect(runner.unit).toBe('Wh')
    expect(runner.measured).toEqual([1, 2])
    expect(runner.commit[0]).toBe('a'.repeat(7))
    expect(runner.metrics.map((m) => m.name)).toEqual(['acc'])
    // every record is an estimate in this fixture: the chart must say so
    expect(runner.estimated).toBe(2)
    expect(data.verdicts[0]).toMatchObject({ verdict: 'fail', measured: '2 Wh' })
    expect(data.verdicts[1].verdict).toBeNull()
  })

  it('gives each workload its drift against the first calibration', () => {
    const data = buildDashboardData({
      history: [],
      calibrations: [
        {
          fingerprint: 'f'.repeat(16),
          log: [
            makeCalibration('2026-02-01T00:00:00Z', 550),
            makeCalibration('2026-01-01T00:00:00Z', 500)
          ]
        }
      ],
      repoUrl: null,
      generatedAt: '2026-01-03T00:00:00Z'
    })
    expect(data.drift[0].workloads).toEqual([{ name: 'crnn-b16', values: [0, 10] }])
  })
})

describe('renderDashboard', () => {
  it('escapes record text in the table and keeps the data island closed', () => {
    const r = makeRecord({ commit: 'c'.repeat(40) })
    r.branch = '</script><script>alert(1)</script>'
    r.measurement.host.gpus = ['<img src=x onerror=alert(2)>']
    const data = buildDashboardData({
      history: [{ series: 'default', records: [r] }],
      calibrations: [],
      repoUrl: 'https://github.com/acme/sed',
      generatedAt: '2026-01-03T00:00:00Z'
    })
    const html = renderDashboard(data, ASSETS)
    expect(html).not.toContain('<script>alert(1)')
    expect(html).not.toContain('<img src=x')
    expect(html).toContain(escapeHtml(r.branch))
    expect(html).toContain(`href="https://github.com/acme/sed/commit/${'c'.repeat(40)}"`)
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">')
    const island = /<script type="application\/json" id="dashboard-data">([^<]*)<\/script>/.exec(
      html
    )
    expect(JSON.parse(island![1]).verdicts[0].branch).toBe(r.branch)
  })

  it('writes no link for a commit that is not a hash', () => {
    const r = makeRecord({ commit: 'javascript:alert(1)' })
    const data = buildDashboardData({
      history: [{ series: 'default', records: [r] }],
      calibrations: [],
      repoUrl: 'https://github.com/acme/sed',
      generatedAt: '2026-01-03T00:00:00Z'
    })
    expect(renderDashboard(data, ASSETS)).not.toContain('/commit/javascript')
  })

  it('data island escapes every character that could end the element', () => {
    expect(toDataIsland({ s: '</script><!--\u2028&' })).toBe(
      '{"s":"\\u003c/script\\u003e\\u003c!--\\u2028\\u0026"}'
    )
  })
})
