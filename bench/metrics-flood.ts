// The metrics-flood case of `npm run bench`: the built CLI's `measure` follows a command that
// writes a million metric lines of sixteen keys (a script logging every step), and the peak
// resident memory of the joulegate process is read from the kernel's own high-water mark.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Measurement } from '../src/core/types.js'
import { buildRaplFixture } from './rapl-fixture.js'

const CLI = resolve('dist/cli.js')
const FAKE_NVIDIA_SMI = resolve('__tests__/fixtures/nvidia-smi/nvidia-smi')
export const FLOOD_KEYS = 16

export interface FloodFigure {
  lines: number
  keys: number
  /** peak resident set of the joulegate process, MB: process.resourceUsage().maxRSS at exit */
  peakRssMb: number
  wallS: number
  progressPoints: number
  measurementBytes: number
  /** every key's final metric equals the value on the last line the command wrote */
  finalMetricsExact: boolean
}

// The command: blocks of 10 000 lines, as a buffered logger writes them; the last line's values are
// known, so the bench can check the final metrics.
const floodScript = (lines: number): string => `
const fs = require('fs')
const fd = fs.openSync(process.env.JOULEGATE_METRICS_FILE, 'a')
const line = (step) => {
  const values = { step }
  for (let k = 1; k < ${FLOOD_KEYS}; k++) values['m' + k] = Math.sin(step * k) + k
  return JSON.stringify(values) + '\\n'
}
for (let start = 1; start <= ${lines}; start += 10000) {
  let block = ''
  for (let step = start; step < Math.min(start + 10000, ${lines + 1}); step++) block += line(step)
  fs.writeSync(fd, block)
}
`

// Loaded into the joulegate process with --require: the kernel's high-water mark of its resident
// set, written when it exits (after the measurement file is written).
const PEAK_HOOK = `
const { writeFileSync } = require('fs')
process.on('exit', () => {
  writeFileSync(process.env.JOULEGATE_BENCH_PEAK_FILE, String(process.resourceUsage().maxRSS))
})
`

export async function runMetricsFlood(lines: number): Promise<FloodFigure> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run bundle\` first`)
  const dir = mkdtempSync(join(tmpdir(), 'joulegate-bench-flood-'))
  const fixture = buildRaplFixture()
  try {
    const hook = join(dir, 'peak.cjs')
    const peakFile = join(dir, 'peak')
    const out = join(dir, 'measurement.json')
    writeFileSync(hook, PEAK_HOOK)
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: dir,
      JOULEGATE_SYSFS_ROOT: fixture.root,
      JOULEGATE_NVIDIA_SMI: FAKE_NVIDIA_SMI,
      JOULEGATE_PYTHON: 'none',
      JOULEGATE_FAKE_GPUS: JSON.stringify([
        { name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-f100d', powerLimitW: 700, power: 250 }
      ]),
      JOULEGATE_BENCH_PEAK_FILE: peakFile
    }
    const args = ['--require', hook, CLI, 'measure', '--idle-s', '0', '--out', out, '--']
    const started = performance.now()
    const code = await new Promise<number | null>((done, fail) => {
      const child = spawn(process.execPath, [...args, process.execPath, '-e', floodScript(lines)], {
        env,
        stdio: ['ignore', 'ignore', 'inherit']
      })
      child.on('error', fail)
      child.on('close', done)
    })
    const wallS = (performance.now() - started) / 1000
    if (code !== 0) throw new Error(`joulegate measure exited ${String(code)} on the flood`)
    const m = JSON.parse(readFileSync(out, 'utf8')) as Measurement
    const last: Record<string, number> = { step: lines }
    for (let k = 1; k < FLOOD_KEYS; k++) last[`m${k}`] = Math.sin(lines * k) + k
    return {
      lines,
      keys: FLOOD_KEYS,
      peakRssMb: Number(readFileSync(peakFile, 'utf8')) / 1024,
      wallS,
      progressPoints: m.progress.length,
      measurementBytes: statSync(out).size,
      finalMetricsExact:
        Object.keys(m.metrics).length === FLOOD_KEYS &&
        Object.entries(last).every(([key, value]) => m.metrics[key] === value)
    }
  } finally {
    fixture.cleanup()
    rmSync(dir, { recursive: true, force: true })
  }
}
