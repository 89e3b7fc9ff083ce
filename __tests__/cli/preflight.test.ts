// Inputs the end of a run needs are checked before the training starts: a bad --out/--report/
// --result path, carbon intensity or calibration file exits 2 and the command never runs. A write
// that fails at the end anyway keeps the output in a joulegate-kept-* file and says where.
import { afterAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const cli = resolve('src/cli/index.ts')
const dir = mkdtempSync(join(tmpdir(), 'jg-preflight-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/tmp',
  TMPDIR: dir,
  JOULEGATE_SYSFS_ROOT: '/nonexistent',
  JOULEGATE_NVIDIA_SMI: '/nonexistent',
  JOULEGATE_PYTHON: 'none'
}

/** Runs the CLI; the measured command leaves `marker` behind when it runs. */
function joulegate(args: string[], script = '') {
  const marker = join(dir, `ran-${Math.random().toString(36).slice(2)}`)
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      cli,
      ...args,
      '--idle-s',
      '0',
      '--',
      process.execPath,
      '-e',
      `require('fs').writeFileSync(${JSON.stringify(marker)}, '1'); ${script}`
    ],
    { cwd: resolve('.'), env, encoding: 'utf8', timeout: 60_000 }
  )
  return { code: r.status, stderr: r.stderr, ran: existsSync(marker) }
}

describe('checked before the command runs', () => {
  it.each([
    {
      name: 'measure --out in a folder that does not exist',
      args: ['measure', '--out', join(dir, 'no-such-folder', 'm.json')],
      want: /--out: got ".*no-such-folder\/m\.json", expected a file joulegate can write \(its folder .* does not exist\)/
    },
    {
      name: 'measure --out naming a directory',
      args: ['measure', '--out', dir],
      want: /--out: .*\(it is a directory\)/
    },
    {
      name: 'check --carbon-intensity XX',
      args: ['check', '--store', join(dir, 'store'), '--carbon-intensity', 'XX'],
      want: /carbon-intensity.*"XX"/
    },
    {
      name: 'check --reference-calibration that does not exist',
      args: ['check', '--store', join(dir, 'store'), '--reference-calibration', 'missing-ref.json'],
      want: /reference-calibration .*missing-ref\.json: cannot read \(no such file\)/
    },
    {
      name: 'check --report naming a directory',
      args: ['check', '--store', join(dir, 'store'), '--report', dir],
      want: /--report: .*\(it is a directory\)/
    }
  ])(
    '$name: exit 2, said, and the command never ran',
    ({ args, want }) => {
      const r = joulegate(args)
      expect(r.stderr).toMatch(want)
      expect(r.stderr).toMatch(/checked before running the command: nothing ran/)
      expect(r.code).toBe(2)
      expect(r.ran).toBe(false)
    },
    70_000
  )
})

describe('a write that fails at the end anyway', () => {
  it('keeps the measurement in a joulegate-kept-* file, says where, and exits 2', () => {
    const folder = join(dir, 'out-folder')
    mkdirSync(folder)
    // the training replaces the output folder by a file, as a cleanup step gone wrong would
    const r = joulegate(
      ['measure', '--out', join(folder, 'm.json')],
      `fs=require('fs'); fs.rmSync(${JSON.stringify(folder)}, { recursive: true }); fs.writeFileSync(${JSON.stringify(folder)}, '')`
    )
    expect(r.ran).toBe(true)
    const kept = /kept it in (\S+)/.exec(r.stderr)?.[1]
    expect(kept).toMatch(/\/joulegate-kept-[^/]+\/m\.json$/)
    expect(JSON.parse(readFileSync(kept!, 'utf8'))).toMatchObject({
      schema: 'joulegate.measurement/v1'
    })
    expect(r.code).toBe(2)
  }, 70_000)
})
