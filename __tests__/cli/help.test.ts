// What a newcomer types first: the top-level help, `help COMMAND`, --version, a typo of a
// command or a flag, a forgotten `--`, and flag values the CLI cannot use.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { main } from '../../src/cli/main.js'
import type { CliIo } from '../../src/cli/io.js'
import { CLI } from '../helpers/cli-harness.js'

function capture(): CliIo & { stdout: () => string; stderr: () => string } {
  const out: string[] = []
  const err: string[] = []
  return {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    isTty: false,
    stdout: () => out.join('\n'),
    stderr: () => err.join('\n')
  }
}

async function cli(...argv: string[]) {
  const io = capture()
  const code = await main(argv, io)
  return { code, stdout: io.stdout(), stderr: io.stderr() }
}

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version
const USER_COMMANDS = [
  'measure',
  'check',
  'calibrate',
  'normalize',
  'curve',
  'caps',
  'dashboard',
  'demo'
]

describe('top-level help', () => {
  it('lists each command with one line, and hides the internal one', async () => {
    const { code, stdout } = await cli('--help')
    expect(code).toBe(0)
    for (const name of USER_COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${name} +\\S.+$`, 'm'))
    const listed = stdout.split('\n').filter((l) => /^ {2}[a-z]+ {2,}\S/.test(l))
    expect(listed.map((l) => l.trim().split(/\s+/)[0])).toEqual(USER_COMMANDS)
    expect(stdout).not.toMatch(/^ +workload/m)
    expect(stdout).toContain('joulegate help <command>')
  })

  it('is printed for a bare `joulegate` too, with exit 2 (nothing was run)', async () => {
    const bare = await cli()
    expect(bare.code).toBe(2)
    expect(bare.stdout).toBe((await cli('help')).stdout)
  })
})

describe('help COMMAND and COMMAND --help', () => {
  it.each(USER_COMMANDS)('%s: the same text, with every flag of its table', async (name) => {
    const viaHelp = await cli('help', name)
    const viaFlag = await cli(name, '--help')
    expect(viaHelp.code).toBe(0)
    expect(viaFlag.code).toBe(0)
    expect(viaHelp.stdout).toBe(viaFlag.stdout)
    expect(viaHelp.stdout).toMatch(new RegExp(`^usage: joulegate ${name}`))
    expect(viaHelp.stdout).toMatch(/^ {2}-h, --help +show this help$/m)
  })

  it('lists the flags the parser accepts, and not the hidden alias', async () => {
    const { stdout } = await cli('help', 'normalize')
    for (const flag of [
      '--local CAL',
      '--reference CAL',
      '--measurement FILE ...',
      '--allow-quick'
    ])
      expect(stdout).toContain(flag)
    expect(stdout).not.toMatch(/^ {2}--force/m)
    // the alias still works: it is parsed, so the next error is about the missing --local
    expect((await cli('normalize', '--force')).stderr).toMatch(/--local: got null/)
  })

  it('help for an unknown command suggests the near one', async () => {
    const { code, stderr } = await cli('help', 'calibrat')
    expect(code).toBe(2)
    expect(stderr).toMatch(/unknown command "calibrat"; did you mean "calibrate"\?/)
  })
})

describe('--version', () => {
  it("prints package.json's version", async () => {
    for (const flag of ['--version', '-V', 'version']) {
      const { code, stdout } = await cli(flag)
      expect(code).toBe(0)
      expect(stdout).toBe(`joulegate ${VERSION}`)
    }
  })

  it('is inlined in the bundle: a copy of dist/cli.js (and its chunks) far from package.json still knows it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'joulegate-version-'))
    try {
      copyFileSync(CLI, join(dir, 'cli.js'))
      cpSync(join(dirname(CLI), 'cli'), join(dir, 'cli'), { recursive: true })
      // the copy is a module by its own package.json, as in an installed package
      writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n')
      const copy = spawnSync(process.execPath, [join(dir, 'cli.js'), '--version'], {
        cwd: dir,
        encoding: 'utf8'
      })
      expect(copy.stderr).toBe('')
      expect(copy.status).toBe(0)
      expect(copy.stdout.trim()).toBe(`joulegate ${VERSION}`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('an unknown command', () => {
  it.each([
    ['mesure', 'measure'],
    ['chek', 'check'],
    ['normalise', 'normalize'],
    ['cap', 'caps']
  ])('%s: did you mean %s?', async (typed, meant) => {
    const { code, stderr } = await cli(typed)
    expect(code).toBe(2)
    expect(stderr).toContain(`unknown command "${typed}"; did you mean "${meant}"?`)
  })

  it('a program name instead of a command: explains `measure --`', async () => {
    const { code, stderr } = await cli('python', 'train.py', '--epochs', '2')
    expect(code).toBe(2)
    expect(stderr).toContain('put `--` before it: joulegate measure -- python train.py --epochs 2')
    expect(stderr).not.toMatch(/did you mean/)
  })

  it('the internal command runs but is never suggested', async () => {
    expect((await cli('workloa')).stderr).not.toMatch(/workload/)
  })
})

describe('a command to measure without `--`', () => {
  it.each([
    [['measure', 'python', 'train.py'], 'joulegate measure -- python train.py'],
    [
      ['measure', '--idle-s', '0', 'python', 'train.py', '--epochs', '2'],
      'joulegate measure --idle-s 0 -- python train.py --epochs 2'
    ],
    [['check', '--record', 'sh', '-c', 'exit 0'], "joulegate check --record -- sh -c 'exit 0'"]
  ])('%j -> says where `--` goes', async (argv, fixed) => {
    const { code, stderr } = await cli(...argv)
    expect(code).toBe(2)
    expect(stderr).toContain(`put \`--\` before the command to measure: ${fixed}`)
  })

  it('a command that measures nothing refuses what follows `--`', async () => {
    const { code, stderr } = await cli('curve', 'm.json', '--', 'python')
    expect(code).toBe(2)
    expect(stderr).toMatch(
      /curve: unexpected arguments after "--": python; curve measures no command/
    )
  })
})

describe('flag errors name the flag, the value and what was expected', () => {
  it.each([
    [
      ['measure', '--idl-s', '3', '--', 'true'],
      /unknown option --idl-s; expected one of --out, --interval-ms, --idle-s, --repeat, --prometheus, --prometheus-selector; did you mean --idle-s\?/
    ],
    [
      ['measure', '--repeat', 'x', '--', 'true'],
      /--repeat: got "x", expected a whole number from 1 to 100/
    ],
    [
      ['measure', '--interval-ms', '5', '--', 'true'],
      /--interval-ms: got "5", expected a whole number from 10 to 60000/
    ],
    [['measure', '--out'], /option --out needs a value: expected --out FILE/],
    [
      ['check', '--record=yes', '--', 'true'],
      /--record: got "yes", expected no value \(write --record alone\)/
    ],
    [['check', '--pue', '9', '--', 'true'], /--pue: got "9", expected a number from 1 to 5/],
    [['check', '--name', '-x', '--', 'true'], /option --name needs a value/],
    [['calibrate', '--suite', 'tpu'], /--suite: got "tpu", expected auto, gpu or cpu/],
    [['calibrate', '--runs', '0'], /--runs: got "0", expected a whole number from 1 to 50/],
    [
      ['calibrate', '--cooldown-s', 'soon'],
      /--cooldown-s: got "soon", expected a number from 0 to 600/
    ],
    [
      ['calibrate', '--family', '.x', '--workload', 'a=true'],
      /--family: got ".x", expected a name like a series name/
    ],
    [['curve', 'm.json', '--direction', 'up'], /--direction: got "up", expected higher or lower/],
    [['normalize', '--model', 'magic'], /--model: got "magic", expected one of /],
    [['caps', 'x.csv', '--scor', 'a'], /unknown option --scor; .*did you mean --score\?/]
  ])('%j', async (argv, message) => {
    const { code, stderr } = await cli(...argv)
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
    expect(stderr.split('\n')).toHaveLength(1)
  })

  it('--help wins over a bad value, so the help can be read to fix it', async () => {
    const { code, stdout } = await cli('measure', '--repeat', 'x', '--help')
    expect(code).toBe(0)
    expect(stdout).toMatch(/^usage: joulegate measure/)
  })
})
