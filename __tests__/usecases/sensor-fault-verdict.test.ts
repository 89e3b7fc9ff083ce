// End to end through the real RAPL sensor on an emulated sysfs: the measured command makes the
// package draw 50 W and, half way, the counter fails. The run is judged against a baseline of the
// same command without the fault: the verdict must be inconclusive, never a pass or a fail on a
// figure the fault made.
import { afterEach, describe, expect, it } from '@jest/globals'
import { measureCommand, type MeasureOptions } from '../../src/usecases/measure.js'
import { raplProbe } from '../../src/sensors/rapl/sensor.js'
import type { HostInfo, Measurement } from '../../src/core/types.js'
import { judge } from '../../src/core/judge/verdict.js'
import { buildSysfs, loadFixture, type SysfsTree } from '../sensors/sysfs-tree.js'
import { makeBudget, makeInput, makeRecord } from '../core/judge/fixtures.js'

let tree: SysfsTree | null = null
afterEach(() => tree?.cleanup())
const host: HostInfo = { fingerprint: 'test', cpu: 'test cpu', gpus: [] }

type Fault = 'none' | 'unreadable' | 'garbage' | 'reset'

/** The command: +5 J every 100 ms for 1.2 s; from 0.6 s on, the fault. */
function trainer(file: string, fault: Fault): string {
  return `
const fs = require('fs'); const file = ${JSON.stringify(file)}; const fault = ${JSON.stringify(fault)}
let uj = Number(fs.readFileSync(file, 'utf8')); let i = 0
const t = setInterval(() => {
  i++
  uj += 5e6
  if (i >= 6 && fault === 'unreadable') { fs.rmSync(file, { recursive: true, force: true }); fs.mkdirSync(file, { recursive: true }) }
  else if (i >= 6 && fault === 'garbage') fs.writeFileSync(file, 'ERR\\n')
  else if (i >= 6 && fault === 'reset') fs.writeFileSync(file, String((i - 6) * 5e6) + '\\n')
  else fs.writeFileSync(file, uj + '\\n')
  if (i === 12) clearInterval(t)
}, 100)`
}

async function measure(fault: Fault): Promise<Measurement> {
  // a two-socket server: a 262 GJ counter range, so no wrap can explain a step back; package-1
  // starts at 100 J, above anything the reset counter reaches again during the run
  tree = buildSysfs(loadFixture('rapl-server.json'))
  tree.setCounter('intel-rapl:1', 100e6)
  const env = {
    sysfsRoot: tree.root,
    nvidiaSmi: '/nonexistent',
    cudaVisibleDevices: undefined,
    intervalMs: 100,
    python: null
  }
  const options: MeasureOptions = {
    command: { argv: [process.execPath, '-e', trainer(tree.raplFile('intel-rapl:1'), fault)] },
    env: { ...process.env, JOULEGATE_METRICS_FILE: '' },
    openSensors: async () => ({ sensors: [(await raplProbe.probe(env)).sensor!] }),
    readHost: async () => host,
    idleS: 0,
    repeat: 1,
    intervalMs: 100,
    log: () => undefined
  }
  const m = await measureCommand(options)
  tree.cleanup()
  tree = null
  return m
}

function verdictOf(run: Measurement, base: Measurement) {
  const record = makeRecord({ kwh: 0 })
  record.measurement = base
  return judge(
    makeInput({
      budget: makeBudget({ metrics: {}, energyIncrease: 0.1 }),
      run: { measurement: run, normalization: null },
      baseline: { record, reason: "the pull request's base commit" }
    })
  )
}

describe('a RAPL fault in the run, judged against a clean baseline', () => {
  it.each(['unreadable', 'garbage', 'reset'] as const)(
    'counter %s half way: inconclusive with the gap named, not pass or fail',
    async (fault) => {
      const base = await measure('none')
      expect(base.energyJ).toBeGreaterThan(50)
      const run = await measure(fault)
      const j = verdictOf(run, base)
      expect(j.verdict).toBe('inconclusive')
      expect(j.headline).toMatch(/^measurement incomplete, not judged: the run's readings cover/)
    },
    30_000
  )
})
