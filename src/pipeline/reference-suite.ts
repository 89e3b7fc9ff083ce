// The reference workloads (reference/manifest.json) resolved into runnable commands: the GPU suite
// through python3, the CPU suite through this very bundle (`joulegate workload NAME`).
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { UsageError, describeBadValue } from '../core/errors.js'
import type { CommandSpec } from '../adapters/run-command.js'
import { readGpuInventory } from '../sensors/probe-sensors.js'
import type { SensorEnv } from '../sensors/sensor.js'

export interface SuiteWorkload {
  name: string
  device: 'gpu' | 'cpu' | 'custom'
  command: CommandSpec
  quick: CommandSpec | null
}

interface ManifestEntry {
  name: string
  device: 'gpu' | 'cpu'
  command: string[]
  quick: string[]
}

/** Where reference/ and the CLI bundle are: next to dist/ in the action and the npm package. */
export function locateAssets(moduleUrl: string = import.meta.url): {
  referenceDir: string
  cliPath: string
} {
  const here = dirname(fileURLToPath(moduleUrl))
  const roots = [resolve(here, '..'), resolve(here, '..', '..'), process.cwd()]
  const root = roots.find((r) => existsSync(join(r, 'reference', 'manifest.json')))
  if (!root)
    throw new Error(`reference/manifest.json not found next to ${here}; the package is incomplete`)
  return { referenceDir: join(root, 'reference'), cliPath: join(root, 'dist', 'cli.js') }
}

export function loadReferenceSuite(python: string, assets = locateAssets()): SuiteWorkload[] {
  const manifest = JSON.parse(readFileSync(join(assets.referenceDir, 'manifest.json'), 'utf8')) as {
    workloads: ManifestEntry[]
  }
  const rewrite = (argv: string[]): CommandSpec => ({
    argv: argv.map((a, i) => {
      if (i === 0 && a === 'node') return process.execPath
      if (i === 0 && a === 'python3') return python
      if (a === 'dist/cli.js') return assets.cliPath
      if (a.startsWith('reference/')) return join(assets.referenceDir, a.slice('reference/'.length))
      return a
    })
  })
  return manifest.workloads.map((w) => ({
    name: w.name,
    device: w.device,
    command: rewrite(w.command),
    quick: rewrite(w.quick)
  }))
}

/** `--workload NAME=CMD`: a team's own baseline training as a calibration point (run by the shell). */
export function parseCustomWorkload(text: string): SuiteWorkload {
  const eq = text.indexOf('=')
  const name = eq > 0 ? text.slice(0, eq).trim() : ''
  const command = eq > 0 ? text.slice(eq + 1).trim() : ''
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || command === '') {
    throw new UsageError(
      describeBadValue(
        '--workload',
        text,
        'NAME=COMMAND, e.g. baseline="python train.py --epochs 1"'
      )
    )
  }
  return { name, device: 'custom', command: { shell: command }, quick: null }
}

/** The built-in suite for this runner: the GPU workloads when a GPU is visible (or asked for), else the CPU ones. */
export async function chooseSuite(suite: string, env: SensorEnv): Promise<SuiteWorkload[]> {
  const all = loadReferenceSuite(env.python ?? 'python3')
  const hasGpu =
    suite === 'gpu' ||
    (suite === 'auto' && (await readGpuInventory(env).catch(() => [])).length > 0)
  return all.filter((w) => w.device === (hasGpu ? 'gpu' : 'cpu'))
}
