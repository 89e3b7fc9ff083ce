// A training script that logs every step: `node dist/cli.js check --record` on 200 000 metric
// lines gives a verdict, records the run, and keeps a bounded progress list whose final metrics are
// the last value of each key over all the lines.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseHistory } from '../../src/core/history/history.js'
import { MAX_PROGRESS_POINTS } from '../../src/core/measure/metrics-protocol.js'
import type { HistoryRecord } from '../../src/core/types.js'
import { emulateHost, runCli, type CliResult, type EmulatedHost } from '../helpers/cli-harness.js'

const LINES = 200_000

// Writes the lines in blocks of 10 000, as a buffered logger would; psds1 once every 20 000 steps.
const FLOOD = `
const fs = require('fs')
const fd = fs.openSync(process.env.JOULEGATE_METRICS_FILE, 'a')
for (let start = 1; start <= ${LINES}; start += 10000) {
  let block = ''
  for (let step = start; step < start + 10000; step++) {
    const line = { step, loss: 1 / step, lr: 0.001, acc: 1 - 1 / step }
    if (step % 20000 === 0) line.psds1 = step / ${LINES}
    block += JSON.stringify(line) + '\\n'
  }
  fs.writeSync(fd, block)
}
fs.writeSync(fd, JSON.stringify({ planned_steps: ${LINES * 10} }) + '\\n')
`

let host: EmulatedHost
let result: CliResult
let record: HistoryRecord
beforeAll(async () => {
  host = emulateHost(300)
  const store = join(host.root, 'store')
  result = await runCli(
    ['check', '--idle-s', '0', '--record', '--store', store, '--', process.execPath, '-e', FLOOD],
    { cwd: host.root, env: host.env, killAfterMs: 120_000 }
  )
  const file = join(store, 'history', 'default.jsonl')
  record = parseHistory(readFileSync(file, 'utf8'), file)[0]!
}, 150_000)
afterAll(() => host.cleanup())

describe('check on 200 000 metric lines', () => {
  it('gives a report and records the run', () => {
    expect(result.stderr).not.toMatch(/RangeError|Maximum call stack/)
    expect(result.code).toBe(0)
    expect(result.stdout.split('\n')[0]).toMatch(
      /^(✅ Pass|❌ Fail|⚠️ Inconclusive|ℹ️ No baseline yet): /
    )
    expect(result.stderr).toContain('recorded this run')
  })

  it(`keeps at most ${MAX_PROGRESS_POINTS} progress points and says so`, () => {
    const m = record.measurement
    expect(m.progress.length).toBeLessThanOrEqual(MAX_PROGRESS_POINTS)
    expect(m.progress.filter((p) => typeof p.values.psds1 === 'number')).toHaveLength(10)
    expect(m.notices?.join('\n')).toContain(`of ${LINES + 1} metric lines`)
  })

  it('final metrics are the last value of each key over all lines', () => {
    expect(record.measurement.metrics).toEqual({
      step: LINES,
      loss: 1 / LINES,
      lr: 0.001,
      acc: 1 - 1 / LINES,
      psds1: 1,
      planned_steps: LINES * 10
    })
  })

  it('projects the full training from the steps observed, not from the kept points', () => {
    expect(result.stdout).toContain(`projected from ${LINES} of ${LINES * 10} steps`)
  })
})
