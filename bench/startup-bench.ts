// The start-up case of `npm run bench`: how long the built CLI's `measure` takes, on a machine with
// no energy sensors, from its own start to the start of the measured command, against a bare
// `node -e 0` started in the same run (the floor no Node CLI can go below on this machine).
//
// Per run, joulegate is started under bench/startup-probe.mjs (loaded with --import), which notes
// every child process the CLI starts and, at the moment it starts the measured command, the CPU
// the process has used so far (own user+system, plus the children it has reaped). The command,
// `sh -c 'date +%s%N > FILE'`, writes the wall clock when it runs; that minus the wall clock just
// before this process spawned joulegate is the start-up time. Runs alternate with bare Node runs
// so that both see the same load; medians are reported. Needs `npm run bundle`.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'

const CLI = resolve('dist/cli.js')
const PROBE = resolve('bench/startup-probe.mjs')
const MARKER = 'joulegate-startup-marker'
/** /proc reports cutime/cstime in USER_HZ ticks, which is 100 on every Linux ABI */
const USER_HZ = 100

export interface StartupFigure {
  runs: number
  /** median ms from spawning joulegate to the measured command's own timestamp */
  spawnMs: number
  spawnMsRange: [number, number]
  /** median ms from spawning `node -e 0` to its exit, same run */
  bareNodeMs: number
  bareNodeMsRange: [number, number]
  /** median CPU-s of the joulegate process (own + reaped children) when it starts the command */
  cpuS: number
  /** child processes joulegate started before the measured command (median; all runs alike) */
  childrenBefore: number
  /** what those children were, from the last run */
  childArgv: string[]
}

const now = (): number => performance.timeOrigin + performance.now()

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

function runChild(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv
): Promise<{ startedMs: number; endedMs: number; stderr: string; code: number | null }> {
  return new Promise((resolvePromise, reject) => {
    const startedMs = now()
    const child = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
    child.on('error', reject)
    child.on('close', (code) =>
      resolvePromise({ startedMs, endedMs: now(), stderr, code: code ?? null })
    )
  })
}

interface ProbeFile {
  atCommand: { ownCpuS: number; childTicks: number | null; spawnsBefore: number } | null
  spawns: { api: string; argv: string[] }[]
}

async function runJoulegateOnce(cli: string, dir: string, run: number) {
  const stamp = join(dir, `stamp-${run}`)
  const probeOut = join(dir, `probe-${run}.json`)
  const emptySysfs = join(dir, 'sys')
  mkdirSync(emptySysfs, { recursive: true })
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    // a machine with no sensors: an empty sysfs, no nvidia-smi, no Python for NVML
    JOULEGATE_SYSFS_ROOT: emptySysfs,
    JOULEGATE_NVIDIA_SMI: join(dir, 'no-nvidia-smi'),
    JOULEGATE_PYTHON: 'none',
    JOULEGATE_STARTUP_PROBE: probeOut,
    JOULEGATE_STARTUP_MARKER: MARKER
  }
  const args = ['--import', PROBE, cli, 'measure', '--idle-s', '0', '--', 'sh', '-c']
  args.push('date +%s%N > "$1"', MARKER, stamp)
  const r = await runChild(process.execPath, args, env)
  if (r.code !== 0 || !existsSync(stamp))
    throw new Error(`startup bench: joulegate measure exited ${r.code}: ${r.stderr.slice(-600)}`)
  const commandMs = Number(readFileSync(stamp, 'utf8').trim()) / 1e6
  const probe = JSON.parse(readFileSync(probeOut, 'utf8')) as ProbeFile
  if (!probe.atCommand) throw new Error('startup bench: the probe never saw the measured command')
  const { ownCpuS, childTicks, spawnsBefore } = probe.atCommand
  return {
    spawnMs: commandMs - r.startedMs,
    cpuS: ownCpuS + (childTicks ?? 0) / USER_HZ,
    childrenBefore: spawnsBefore,
    childArgv: probe.spawns.slice(0, spawnsBefore).map((s) => s.argv.join(' '))
  }
}

/** `cli`: the bundle to start, dist/cli.js by default (another build can be compared with it). */
export async function runStartupBench(runs = 7, cli = CLI): Promise<StartupFigure> {
  if (!existsSync(cli)) throw new Error(`startup bench: ${cli} is missing; run npm run bundle`)
  const dir = mkdtempSync(join(tmpdir(), 'joulegate-startup-'))
  try {
    const spawnMs: number[] = []
    const bareMs: number[] = []
    const cpuS: number[] = []
    const children: number[] = []
    let childArgv: string[] = []
    // one unmeasured round of each first: the page cache then holds Node and the bundle
    await runChild(process.execPath, ['-e', '0'], {})
    await runJoulegateOnce(cli, dir, -1)
    for (let run = 0; run < runs; run++) {
      const bare = await runChild(process.execPath, ['-e', '0'], {})
      bareMs.push(bare.endedMs - bare.startedMs)
      const j = await runJoulegateOnce(cli, dir, run)
      spawnMs.push(j.spawnMs)
      cpuS.push(j.cpuS)
      children.push(j.childrenBefore)
      childArgv = j.childArgv
    }
    return {
      runs,
      spawnMs: median(spawnMs),
      spawnMsRange: [Math.min(...spawnMs), Math.max(...spawnMs)],
      bareNodeMs: median(bareMs),
      bareNodeMsRange: [Math.min(...bareMs), Math.max(...bareMs)],
      cpuS: median(cpuS),
      childrenBefore: median(children),
      childArgv
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// `tsx bench/startup-bench.ts [RUNS] [CLI]` runs this case alone, on another bundle if named
if (process.argv[1] && resolve(process.argv[1]) === resolve('bench/startup-bench.ts')) {
  const [runs, cli] = process.argv.slice(2)
  runStartupBench(runs ? Number(runs) : 7, cli ? resolve(cli) : CLI).then(
    (f) => console.log(JSON.stringify(f, null, 2)),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error))
      process.exit(2)
    }
  )
}
