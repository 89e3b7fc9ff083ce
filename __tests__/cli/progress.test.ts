// Progress of long work: one redrawn line on a terminal, a line per step in a log (a pipe or CI).
// The writer with a fake clock, then the built CLI in a real pseudo-terminal (util-linux `script`).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { formatProgressLine, formatStepLine } from '../../src/core/report/format-progress.js'
import { isLiveTerminal } from '../../src/cli/io.js'
import { createProgressWriter } from '../../src/cli/progress.js'
import { CLI, emulateHost, runCli, type EmulatedHost } from '../helpers/cli-harness.js'

const CLEAR = '\r\x1b[2K'
const tick = (elapsedS: number, energyJ: number) => ({ run: 1, runs: 1, elapsedS, energyJ })

function recorder(live: boolean) {
  const writes: string[] = []
  let t = 0
  const writer = createProgressWriter({
    live,
    write: (text) => void writes.push(text),
    now: () => t,
    redrawMs: 60_000
  })
  return { writer, writes, advance: (ms: number) => (t += ms) }
}

describe('the progress formatter', () => {
  it('numbers a step when the job knows its steps', () => {
    expect(formatStepLine({ label: 'run 2 of 3', index: 3, total: 4 })).toBe(
      'joulegate: [3/4] run 2 of 3'
    )
    expect(formatStepLine({ label: 'measuring idle power for 10 s' })).toBe(
      'joulegate: measuring idle power for 10 s'
    )
  })

  it('adds time and energy so far, marking an estimate', () => {
    const step = { label: 'cpu-1t run 1 of 3', index: 2, total: 7 }
    expect(formatProgressLine(step, { elapsedS: 12.4, energyJ: 7200, estimated: false })).toBe(
      'joulegate: [2/7] cpu-1t run 1 of 3 · 12 s elapsed · 2 Wh so far · mean 581 W'
    )
    expect(formatProgressLine(null, { elapsedS: 75, energyJ: 30, estimated: true })).toBe(
      'joulegate: running · 1 min 15 s elapsed · ≈ 30 J so far · mean ≈ 0.4 W'
    )
    // the idle window: nothing measures the step while it runs
    expect(
      formatProgressLine(
        { label: 'measuring idle power for 10 s' },
        {
          elapsedS: 4,
          energyJ: null,
          estimated: false
        }
      )
    ).toBe('joulegate: measuring idle power for 10 s · 4 s elapsed')
  })
})

describe('the progress writer', () => {
  it('on a terminal: one line redrawn in place, messages printed above it', () => {
    const { writer, writes, advance } = recorder(true)
    writer.step({ label: 'measuring idle power for 2 s', index: 1, total: 3 })
    advance(2000)
    writer.step({ label: 'run 1 of 2', index: 2, total: 3 })
    writer.tick(tick(1, 300), false)
    writer.log('joulegate: metrics line 2: not JSON (ignored)')
    writer.tick(tick(2, 600), false)
    writer.dispose()
    const draws = writes.filter((w) => w.startsWith(CLEAR) && w.length > CLEAR.length)
    expect(draws.every((w) => !w.includes('\n'))).toBe(true)
    expect(draws[0]).toBe(`${CLEAR}joulegate: [1/3] measuring idle power for 2 s · 0 s elapsed`)
    expect(draws.at(-1)).toBe(
      `${CLEAR}joulegate: [2/3] run 1 of 2 · 2 s elapsed · 600 J so far · mean 300 W`
    )
    // the message: the live line is cleared, the message printed whole, the line drawn again
    const at = writes.indexOf('joulegate: metrics line 2: not JSON (ignored)\n')
    expect(writes[at - 1]).toBe(CLEAR)
    expect(writes[at + 1]!.startsWith(`${CLEAR}joulegate: [2/3] run 1 of 2`)).toBe(true)
    expect(writes.at(-1)).toBe(CLEAR) // dispose leaves a clean line for the result
  })

  it('in a log: a line per step, no redraws, no escape codes', () => {
    const { writer, writes } = recorder(false)
    writer.step({ label: 'measuring idle power for 2 s', index: 1, total: 3 })
    for (let s = 1; s <= 30; s++) writer.tick(tick(s, s * 300), false)
    writer.step({ label: 'run 1 of 2', index: 2, total: 3 })
    writer.log('joulegate: a message')
    writer.clear()
    writer.dispose()
    expect(writes).toEqual([
      'joulegate: [1/3] measuring idle power for 2 s',
      'joulegate: [2/3] run 1 of 2',
      'joulegate: a message'
    ])
  })

  it.each([
    [true, {}, true],
    [true, { CI: 'true' }, false],
    [true, { CI: '1' }, false],
    [true, { TERM: 'dumb' }, false],
    [false, {}, false],
    [undefined, {}, false]
  ])('stderr a terminal: %s, env %j -> live %s', (tty, env, live) => {
    expect(isLiveTerminal(tty, env)).toBe(live)
  })
})

describe('joulegate measure --repeat: progress as a user and a CI log see it', () => {
  let host: EmulatedHost
  beforeAll(() => {
    host = emulateHost(300)
  })
  afterAll(() => host.cleanup())
  const args = ['measure', '--idle-s', '1', '--repeat', '2', '--', 'sleep', '1.5']

  /** The built CLI with stdin/stdout/stderr on a pseudo-terminal; returns all it wrote there. */
  function runInTerminal(env: NodeJS.ProcessEnv): Promise<{ code: number | null; text: string }> {
    const line = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ')
    const child = spawn('script', ['-qfec', line, '/dev/null'], {
      cwd: host.root,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let text = ''
    child.stdout.on('data', (b: Buffer) => (text += b.toString()))
    child.stderr.on('data', (b: Buffer) => (text += b.toString()))
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, text })))
  }

  it('on a terminal: the steps and the energy so far on one redrawn line', async () => {
    const { code, text } = await runInTerminal({ ...host.env, TERM: 'xterm' })
    expect(code).toBe(0)
    expect(text).toContain(`${CLEAR}joulegate: [1/3] measuring idle power for 1 s`)
    expect(text.split(CLEAR)).toContainEqual(
      expect.stringMatching(/^joulegate: \[2\/3\] run 1 of 2 · 1 s elapsed · [\d.]+ J so far/)
    )
    expect(text).toContain(`${CLEAR}joulegate: [3/3] run 2 of 2`)
    // the step lines are never printed as lines of their own
    expect(text).not.toMatch(/^joulegate: \[2\/3\] run 1 of 2\r?$/m)
    expect(text).toMatch(/repeats: 2 runs/)
  })

  it.each([
    ['CI=true on a terminal', true],
    ['a pipe', false]
  ])('%s: one line per step and no redraws', async (_name, terminal) => {
    const env = { ...host.env, TERM: 'xterm', ...(terminal ? { CI: 'true' } : {}) }
    const { code, text } = terminal
      ? await runInTerminal(env)
      : await runCli(args, { cwd: host.root, env }).then((r) => ({
          code: r.code,
          text: r.stderr + r.stdout
        }))
    expect(code).toBe(0)
    expect(text).not.toContain('\x1b[2K')
    const steps = text.split(/\r?\n/).filter((l) => /^joulegate: \[\d\/3\]/.test(l))
    expect(steps).toEqual([
      'joulegate: [1/3] measuring idle power for 1 s',
      'joulegate: [2/3] run 1 of 2',
      'joulegate: [3/3] run 2 of 2'
    ])
  })
})
