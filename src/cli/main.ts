/** The command table: one CommandDef per command; main reads argv once and hands out settings. */
import pkg from '../../package.json' with { type: 'json' }
import { DEFAULT_STORE_DIR } from '../core/settings.js'
import { UsageError } from '../core/errors.js'
import { suggestName } from './flags.js'
import { watchNewFolder } from './gitignore-hint.js'
import { formatCommandHelp, formatTopHelp } from './help.js'
import type { CliIo } from './io.js'
import { createProcessIo } from './io.js'
import { buildCliSettings, type CommandDef } from './settings.js'

// Each command's code is loaded only when it runs: `measure` starts the user's training sooner
// when it need not first compile the dashboard, Ajv schemas or CSV parser of the other commands
// (the bundle writes each as its own chunk next to dist/cli.js). Top-level help lists them in
// this order. A new command is one CommandDef module and one line here.
const COMMANDS: readonly { name: string; load: () => Promise<CommandDef> }[] = [
  { name: 'measure', load: async () => (await import('./commands/measure.js')).measure },
  { name: 'check', load: async () => (await import('./commands/check.js')).check },
  { name: 'calibrate', load: async () => (await import('./commands/calibrate.js')).calibrate },
  { name: 'normalize', load: async () => (await import('./commands/normalize.js')).normalize },
  { name: 'curve', load: async () => (await import('./commands/curve.js')).curve },
  { name: 'caps', load: async () => (await import('./commands/caps.js')).caps },
  { name: 'dashboard', load: async () => (await import('./commands/dashboard.js')).dashboard },
  { name: 'demo', load: async () => (await import('./commands/demo.js')).demo },
  { name: 'workload', load: async () => (await import('./commands/workload.js')).workload }
]

// one after another: only help needs them all, and the test runner's ESM loader cannot link
// modules that share dependencies while they load side by side
async function loadAll(): Promise<CommandDef[]> {
  const all: CommandDef[] = []
  for (const c of COMMANDS) all.push(await c.load())
  return all
}

/** package.json's version, inlined into the bundle by the JSON plugin. */
const VERSION: string = pkg.version

const findCommand = async (name: string): Promise<CommandDef | undefined> =>
  COMMANDS.find((c) => c.name === name)?.load()

async function describeUnknownCommand(name: string, rest: readonly string[] = []): Promise<string> {
  const shown = (await loadAll()).filter((c) => !c.internal).map((c) => c.name)
  if (name.startsWith('-'))
    return `unknown option ${name}; expected a command first: joulegate <command> [options] (one of ${shown.join(', ')})`
  const near = suggestName(name, shown)
  if (near)
    return `unknown command "${name}"; did you mean "${near}"? (expected one of ${shown.join(', ')})`
  return `unknown command "${name}"; expected one of ${shown.join(', ')}. To measure a program, put \`--\` before it: joulegate measure -- ${[name, ...rest].join(' ')}`
}

/** Runs one command with its argv (what follows the command's name); bad input throws UsageError. */
export async function runCommand(name: string, argv: string[], io: CliIo): Promise<number> {
  const command = await findCommand(name)
  if (!command) throw new UsageError(await describeUnknownCommand(name, argv))
  const settings = buildCliSettings(command, argv)
  if (settings === 'help') {
    io.out(formatCommandHelp(command))
    return 0
  }
  // the folder every command that writes history or a default file creates (see --store)
  const noteFolder = watchNewFolder(settings.store ?? DEFAULT_STORE_DIR, process.cwd(), io.err)
  try {
    return await command.run(settings, io)
  } finally {
    await noteFolder()
  }
}

export async function main(argv: string[], io: CliIo = createProcessIo()): Promise<number> {
  const [name, ...rest] = argv
  try {
    if (name === undefined || name === '--help' || name === '-h') {
      io.out(formatTopHelp(await loadAll(), VERSION))
      return name === undefined ? 2 : 0
    }
    if (name === '--version' || name === '-V' || name === 'version') {
      io.out(`joulegate ${VERSION}`)
      return 0
    }
    if (name === 'help') {
      const [topic] = rest
      if (topic === undefined) {
        io.out(formatTopHelp(await loadAll(), VERSION))
        return 0
      }
      const command = await findCommand(topic)
      if (!command) throw new UsageError(await describeUnknownCommand(topic))
      io.out(formatCommandHelp(command))
      return 0
    }
    return await runCommand(name, rest, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`joulegate: ${error.message}`)
      return 2
    }
    io.err(`joulegate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    return 2
  }
}
