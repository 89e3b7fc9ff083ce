// The process seam every tool joulegate runs goes through (git, nvidia-smi, the NVML helper, the
// measured command, the torch probe): exit and spawn failures as data, bounded output, and
// process groups that end as a whole on a timeout, a stop or joulegate's own exit.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { runOneShot, runProcess, spawnInGroup } from '../../src/adapters/process.js'

const dir = mkdtempSync(join(tmpdir(), 'joulegate-process-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Dead or a zombie (killed, not yet reaped by init): it runs no more. */
function isGone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z')
  } catch {
    return true
  }
}

async function waitGone(pid: number, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms
  while (!isGone(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  return isGone(pid)
}

/** A shell that starts a grandchild ignoring SIGTERM (a wrapper's tool), says its pid, then waits. */
const stubbornTree = (pidFile: string): string[] => [
  '-c',
  `sh -c 'trap "" TERM; echo $$ > ${pidFile}; sleep 30' & trap "" TERM; wait`
]

describe('runProcess reports how a command ended as data', () => {
  it.each([
    ['exit 0', ['-c', 'exit 0'], { code: 0, signal: null }],
    ['exit 3', ['-c', 'exit 3'], { code: 3, signal: null }],
    ['killed by a signal', ['-c', 'kill -TERM $$'], { code: null, signal: 'SIGTERM' }],
    ['killed by SIGKILL', ['-c', 'kill -KILL $$'], { code: null, signal: 'SIGKILL' }]
  ])('%s', async (_, args, expected) => {
    const r = await runProcess('/bin/sh', args)
    expect({ code: r.code, signal: r.signal }).toEqual(expected)
    expect(r.timedOut).toBe(false)
    expect(r.error).toBeNull()
  })

  it.each([
    ['a missing program', join(dir, 'no-such-tool'), 'ENOENT'],
    ['a file that is not executable', resolve('package.json'), 'EACCES']
  ])('%s is reported, not thrown', async (_, command, code) => {
    const r = await runProcess(command, [])
    expect(r.error?.code).toBe(code)
    expect({ code: r.code, signal: r.signal, timedOut: r.timedOut }).toEqual({
      code: null,
      signal: null,
      timedOut: false
    })
    expect(await runOneShot(command, [], 5000)).toEqual({ stdout: '', stderr: '', code })
  })

  it('feeds stdin and returns stdout as bytes, stderr as text', async () => {
    const input = Buffer.from('héllo\n\u0000binary\n')
    const r = await runProcess('/bin/sh', ['-c', 'cat; echo oops >&2'], { input })
    expect(r.stdout.equals(input)).toBe(true)
    expect(r.stderr).toBe('oops\n')
  })

  it('runs in the given folder with the given environment only', async () => {
    const r = await runProcess('/bin/sh', ['-c', 'pwd; echo "$ONLY_THIS"; echo "${HOME-unset}"'], {
      cwd: dir,
      env: { ONLY_THIS: 'yes', PATH: '/usr/bin:/bin' }
    })
    expect(r.stdout.toString().split('\n').slice(0, 3)).toEqual([dir, 'yes', 'unset'])
  })
})

describe('output bounds', () => {
  it.each([
    [1000, 200_000],
    [64, 5000]
  ])('keeps the last %i characters of %i written to stderr', async (limit, total) => {
    const script = `process.stderr.write('x'.repeat(${total - 4}) + 'END\\n')`
    const r = await runProcess(process.execPath, ['-e', script], { stderrTailChars: limit })
    expect(r.stderr.length).toBe(limit)
    expect(r.stderr.endsWith('xEND\n')).toBe(true)
  })

  it('drops stdout beyond maxStdoutBytes', async () => {
    const r = await runProcess(process.execPath, ['-e', `process.stdout.write('y'.repeat(1e6))`], {
      maxStdoutBytes: 1000
    })
    expect(r.stdout.length).toBe(1000)
    expect(r.code).toBe(0)
  })

  it('runOneShot keeps up to 4 MiB of stdout', async () => {
    const r = await runOneShot(
      process.execPath,
      ['-e', `process.stdout.write('z'.repeat(5e6))`],
      20000
    )
    expect(r.code).toBe(0)
    expect(r.stdout.length).toBe(4 << 20)
  })
})

describe('a timeout ends the whole process group', () => {
  it.each([
    ['SIGTERM, then SIGKILL after the grace', 300],
    ['SIGKILL at once (a probe)', 0]
  ])('%s, grandchild that ignores SIGTERM included', async (_, killGraceMs) => {
    const pidFile = join(dir, `grandchild-${killGraceMs}`)
    const started = Date.now()
    const r = await runProcess('/bin/sh', stubbornTree(pidFile), { timeoutMs: 300, killGraceMs })
    const took = Date.now() - started
    expect(r.timedOut).toBe(true)
    expect(r.signal).toBe('SIGKILL') // the shell traps SIGTERM too: only SIGKILL ended it
    expect(took).toBeGreaterThanOrEqual(300 + killGraceMs - 50)
    expect(took).toBeLessThan(300 + killGraceMs + 2000)
    expect(await waitGone(Number(readFileSync(pidFile, 'utf8')))).toBe(true)
  })

  it('a command that ends on SIGTERM is not waited for', async () => {
    const started = Date.now()
    const r = await runProcess('/bin/sh', ['-c', 'sleep 30'], { timeoutMs: 200, killGraceMs: 5000 })
    expect(r).toMatchObject({ timedOut: true, signal: 'SIGTERM', code: null })
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('runOneShot says ETIMEDOUT and leaves nothing running', async () => {
    const pidFile = join(dir, 'grandchild-oneshot')
    const r = await runOneShot('/bin/sh', stubbornTree(pidFile), 300)
    expect(r.code).toBe('ETIMEDOUT')
    expect(await waitGone(Number(readFileSync(pidFile, 'utf8')))).toBe(true)
  })

  it('what a finished command left in the background is killed, unless asked not to', async () => {
    for (const [killLeftovers, gone] of [
      [true, true],
      [false, false]
    ] as const) {
      const pidFile = join(dir, `leftover-${killLeftovers}`)
      const r = await runProcess(
        '/bin/sh',
        ['-c', `sleep 30 >/dev/null 2>&1 & echo $! > ${pidFile}`],
        { killLeftovers }
      )
      expect(r.code).toBe(0)
      const pid = Number(readFileSync(pidFile, 'utf8'))
      expect(await waitGone(pid, gone ? 3000 : 200)).toBe(gone)
      if (!gone) process.kill(pid, 'SIGKILL')
    }
  })
})

describe('spawnInGroup', () => {
  it('reports exit and stderr tail of a long-lived child, and signals its group', async () => {
    const child = spawnInGroup('/bin/sh', ['-c', 'echo warming up >&2; echo ready; sleep 30'], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    await new Promise((r) => child.stdout!.once('data', r))
    expect(child.alive()).toBe(true)
    expect(child.signal('SIGTERM')).toBe(true)
    expect(await child.exited).toEqual({ code: null, signal: 'SIGTERM', error: null })
    expect(child.stderrTail()).toBe('warming up\n')
    expect(child.alive()).toBe(false)
  })

  it('stop() ends a group that traps SIGTERM with SIGKILL, bounded', async () => {
    const pidFile = join(dir, 'grandchild-stop')
    const child = spawnInGroup('/bin/sh', stubbornTree(pidFile))
    while (!readFileSafe(pidFile)) await new Promise((r) => setTimeout(r, 20))
    const started = Date.now()
    await child.stop(0, 300)
    expect(Date.now() - started).toBeLessThan(300 + 1000)
    expect((await child.exited).signal).toBe('SIGKILL')
    expect(await waitGone(Number(readFileSafe(pidFile)))).toBe(true)
  })

  it('endLeftovers counts and ends what the command left running', async () => {
    const child = spawnInGroup('/bin/sh', ['-c', 'sleep 30 & sleep 30 & exit 0'], {
      stdio: ['ignore', 'ignore', 'ignore']
    })
    expect(await child.exited).toEqual({ code: 0, signal: null, error: null })
    expect(child.alive()).toBe(true)
    expect(await child.endLeftovers(1000)).toBe(2)
    expect(child.alive()).toBe(false)
    expect(await child.endLeftovers(1000)).toBe(0)
  })

  it('a missing program resolves exited with the error', async () => {
    const child = spawnInGroup(join(dir, 'missing'), [], { stdio: ['ignore', 'ignore', 'pipe'] })
    const exit = await child.exited
    expect(exit.error?.code).toBe('ENOENT')
    expect(child.pid).toBeUndefined()
    expect(child.alive()).toBe(false)
    expect(await child.endLeftovers(100)).toBe(0)
  })
})

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return ''
  }
}

describe('when joulegate exits', () => {
  it('the groups of children still running are killed', async () => {
    const pidFile = join(dir, 'orphan')
    const script = join(dir, 'exits-early.ts')
    writeFileSync(
      script,
      [
        `import { spawnInGroup } from ${JSON.stringify(resolve('src/adapters/process.ts'))}`,
        `spawnInGroup('/bin/sh', ['-c', 'sh -c "echo \\\\$\\\\$ > ${pidFile}; sleep 30" & wait'])`,
        `setTimeout(() => process.exit(0), 500)`
      ].join('\n')
    )
    const r = await runProcess(process.execPath, ['--import', 'tsx', script], {
      cwd: resolve('.'),
      timeoutMs: 20000
    })
    expect(r.code).toBe(0)
    expect(await waitGone(Number(readFileSafe(pidFile)))).toBe(true)
  })
})
