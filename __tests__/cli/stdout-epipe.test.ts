// `joulegate measure -- python train.py | head -1`: head exits after the training's first line,
// and the summary joulegate prints at the end meets a closed pipe. That is the reader's choice,
// not a failure: no EPIPE trace, and the exit status stays the command's.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const cli = resolve('src/cli/index.ts')
const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/tmp',
  JOULEGATE_SYSFS_ROOT: '/nonexistent',
  JOULEGATE_NVIDIA_SMI: '/nonexistent',
  JOULEGATE_PYTHON: 'none'
}

describe('stdout closed by the reader', () => {
  it('measure | head -1: exit status 0 and no EPIPE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jg-epipe-'))
    const stderrFile = join(dir, 'stderr.txt')
    const script = [
      `"${process.execPath}" --import tsx "${cli}" measure --idle-s 0 --`,
      `"${process.execPath}" -e "console.log('epoch 1'); setTimeout(() => {}, 300)"`,
      `2>"${stderrFile}" | head -1; echo "rc=\${PIPESTATUS[0]}"; cat "${stderrFile}" >&2`
    ].join(' ')
    const r = spawnSync('bash', ['-c', script], {
      cwd: resolve('.'),
      env,
      encoding: 'utf8',
      timeout: 60_000
    })
    rmSync(dir, { recursive: true, force: true })
    expect(r.stdout).toBe('epoch 1\nrc=0\n')
    expect(r.stderr).toMatch(/sensors: estimate/)
    expect(r.stderr).not.toMatch(/EPIPE/)
  }, 70_000)
})
