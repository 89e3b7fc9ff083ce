// A launcher (here a stand-in named torchrun that starts four rank processes, as torchrun does)
// whose ranks all append to JOULEGATE_METRICS_FILE at once: every line arrives whole, rank 0's
// lines are the run's metrics, the others are counted and named, and the host is measured once.
import { afterAll, describe, expect, it } from '@jest/globals'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runMeasurement } from '../../src/usecases/run-measurement.js'
import { readRunEnv } from '../../src/usecases/run-env.js'

const dir = mkdtempSync(join(tmpdir(), 'jg-ranks-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const RANKS = 4
const STEPS = 400

describe('a multi-rank launcher', () => {
  it('reads a metrics file written by several ranks without torn lines and counts rank 0', async () => {
    const rank = join(dir, 'rank.cjs')
    // each rank appends one line per write (O_APPEND), as a Python print(..., flush=True) to a
    // file opened with "a" does; the lines of different ranks interleave, the bytes never do
    writeFileSync(
      rank,
      `const fs = require('fs')
const r = Number(process.env.RANK)
for (let i = 0; i < ${STEPS}; i++) {
  fs.appendFileSync(process.env.JOULEGATE_METRICS_FILE, JSON.stringify({ rank: r, step: i, loss: 1 / (i + 1) + r, pad: 'x'.repeat(200) }) + '\\n')
}
`
    )
    const torchrun = join(dir, 'torchrun')
    writeFileSync(
      torchrun,
      `#!/bin/sh\nfor r in ${Array.from({ length: RANKS }, (_, i) => i).join(' ')}; do RANK=$r "${process.execPath}" "${rank}" & done\nwait\n`
    )
    chmodSync(torchrun, 0o755)
    const m = await runMeasurement(
      { argv: [torchrun, '--nproc-per-node', String(RANKS), 'train.py'] },
      { intervalMs: 100, idleSeconds: 0, repeat: 1 },
      {
        env: readRunEnv({
          PATH: process.env['PATH'],
          JOULEGATE_NVIDIA_SMI: join(dir, 'none'),
          JOULEGATE_SYSFS_ROOT: join(dir, 'none'),
          JOULEGATE_PYTHON: 'none'
        }),
        log: () => undefined
      }
    )
    expect(m.exitCode).toBe(0)
    expect(m.metricErrors ?? []).toEqual([])
    expect(m.metrics).toMatchObject({ step: STEPS - 1, loss: 1 / STEPS })
    expect(m.metrics['rank']).toBeUndefined()
    expect(m.notices).toEqual(
      expect.arrayContaining([
        `${(RANKS - 1) * STEPS} metrics line(s) from ranks other than 0 were not counted (rank 0's metrics are the run's)`,
        expect.stringMatching(
          /^torchrun starts several ranks: each GPU of this host is measured once/
        )
      ])
    )
  })
})
