// A notice (a sensor that cannot be read, an estimate in use) is printed once per run, however
// many windows probe the sensors again; the measurement file keeps every notice.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Measurement } from '../../src/core/types.js'
import { emulateHost, runCli, type EmulatedHost } from '../helpers/cli-harness.js'

let host: EmulatedHost
beforeAll(() => {
  host = emulateHost(300)
})
afterAll(() => host.cleanup())

describe('joulegate measure on a host without RAPL', () => {
  it('prints each notice once, with --repeat and an idle window probing again', async () => {
    // a sysfs tree without class/powercap: the CPU is estimated, and every probe says so
    const sysfs = join(host.root, 'no-rapl-sys')
    mkdirSync(sysfs)
    const out = join(host.root, 'no-rapl.json')
    const result = await runCli(
      ['measure', '--idle-s', '0.5', '--repeat', '3', '--out', out, '--', 'true'],
      { cwd: host.root, env: { ...host.env, JOULEGATE_SYSFS_ROOT: sysfs } }
    )
    expect(result.code).toBe(0)
    const m = JSON.parse(readFileSync(out, 'utf8')) as Measurement
    const rapl = m.notices?.find((n) => /powercap/.test(n))
    expect(rapl).toBeDefined()
    const text = `${result.stderr}\n${result.stdout}`
    for (const notice of m.notices ?? []) expect(text.split(notice)).toHaveLength(2)
    expect(result.stderr).toContain(`joulegate: ${rapl}`)
    expect(result.stdout).not.toContain(rapl)
    expect(result.stdout).toMatch(/repeats: 3 runs/)
  })
})
