// Runs the BUILT CLI (`node dist/cli.js ...`) the way a user or an external check does, on an
// emulated host: the fake nvidia-smi at a constant power (so GPU energy follows duration) and a
// sysfs tree whose RAPL counter never advances (so the CPU adds exactly 0 J, whatever the load of
// the machine running the tests). Jest's process.env is not inherited by children, so every run
// gets an explicit environment.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { buildSysfs } from '../sensors/sysfs-tree.js'
import { FAKE_NVIDIA_SMI } from '../sensors/fake-tools.js'

export const CLI = resolve('dist/cli.js')

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  cwd: string
  env: NodeJS.ProcessEnv
  /** a safety net against a hung CLI, not a speed check: SIGKILL after this long */
  killAfterMs?: number
}

export interface RunningCli {
  child: ChildProcess
  done: Promise<CliResult>
}

export function startCli(args: string[], options: CliOptions): RunningCli {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run bundle\` first`)
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()))
  const guard = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 40000)
  const done = new Promise<CliResult>((resolveDone) => {
    child.on('close', (code, signal) => {
      clearTimeout(guard)
      resolveDone({ code, signal, stdout, stderr })
    })
  })
  return { child, done }
}

export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return startCli(args, options).done
}

export interface EmulatedHost {
  /** a temp folder for the test's own files (the sysfs tree lives in `sys/` inside it) */
  root: string
  /** PATH, HOME and the sensor contract variables; spread it and add what a test needs */
  env: NodeJS.ProcessEnv
  gpuName: string
  watts: number
  cleanup(): void
}

/**
 * One NVIDIA GPU at a constant `watts` through the fake nvidia-smi (no NVML: JOULEGATE_PYTHON=none)
 * and one RAPL package zone whose counter stays put.
 */
export function emulateHost(watts = 300): EmulatedHost {
  const root = mkdtempSync(join(tmpdir(), 'joulegate-cli-'))
  mkdirSync(join(root, 'home'))
  const sysfs = buildSysfs({
    powercap: [
      { entry: 'intel-rapl:0', name: 'package-0', energyUj: 123456789, rangeUj: 262143328850 }
    ]
  })
  const gpuName = 'NVIDIA H100 80GB HBM3'
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: join(root, 'home'),
    GIT_CONFIG_NOSYSTEM: '1',
    JOULEGATE_NVIDIA_SMI: FAKE_NVIDIA_SMI,
    JOULEGATE_SYSFS_ROOT: sysfs.root,
    JOULEGATE_PYTHON: 'none',
    JOULEGATE_FAKE_GPUS: JSON.stringify([
      {
        name: gpuName,
        uuid: 'GPU-c11c11c1-0000-0000-0000-000000000001',
        powerLimitW: 700,
        power: watts
      }
    ])
  }
  return {
    root,
    env,
    gpuName,
    watts,
    cleanup: () => {
      sysfs.cleanup()
      rmSync(root, { recursive: true, force: true })
    }
  }
}
