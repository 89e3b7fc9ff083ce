// joulegate calibrate [--out FILE] [--workload NAME=CMD ...] [--runs N] [--quick] [--suite S]
import { writeFile } from 'node:fs/promises'
import { DEFAULT_STORE_DIR, FolderStore } from '../../adapters/folder-store.js'
import { UsageError, describeBadValue } from '../../core/errors.js'
import { parseIntegerSetting, parseNumberSetting } from '../../core/settings.js'
import { runCalibration } from '../../pipeline/calibrate.js'
import { chooseSuite, parseCustomWorkload } from '../../pipeline/reference-suite.js'
import { readSensorEnv } from '../../pipeline/sensor-env.js'
import type { CliIo } from '../io.js'
import { parseFlags, stringFlag, stringFlags } from '../flags.js'
import { createMeasureRunner } from '../measure-runner.js'

const CALIBRATE_USAGE = `usage: joulegate calibrate [options]

Runs the reference suite (or your workloads) and writes a joulegate.calibration/v1 file.

  --out FILE            write the calibration to FILE
  --workload NAME=CMD   a workload of your own (repeatable); replaces the built-in suite,
                        unless --suite is given too (then both run, the suite first)
  --suite auto|gpu|cpu  built-in suite (default auto: gpu when an NVIDIA or AMD GPU is visible)
  --runs N              runs per workload (default 3)
  --cooldown-s S        pause between runs (default 5)
  --idle-s S            idle power measured first (default 10)
  --interval-ms N       sampling interval (default 100)
  --quick               the suite's small scale (tests, smoke checks): marked kind "quick",
                        never stored as the runner's calibration
  --family NAME         the workload family of --workload points (default: the workload's name);
                        name it like the series whose pull-request runs it anchors
  --store DIR           also keep it in this history folder, by host fingerprint (default ${DEFAULT_STORE_DIR})
  --no-store            do not keep it in the store`

export async function run(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags('calibrate', argv, {
    out: { type: 'string' },
    workload: { type: 'string', multiple: true },
    suite: { type: 'string' },
    runs: { type: 'string' },
    'cooldown-s': { type: 'string' },
    'idle-s': { type: 'string' },
    'interval-ms': { type: 'string' },
    quick: { type: 'boolean' },
    family: { type: 'string' },
    store: { type: 'string' },
    'no-store': { type: 'boolean' }
  })
  if (flags.values['help']) {
    io.out(CALIBRATE_USAGE)
    return 0
  }
  const quick = Boolean(flags.values['quick'])
  const runs = parseIntegerSetting('--runs', stringFlag(flags.values, 'runs') ?? null, 3, 1, 50)
  const cooldownS = parseNumberSetting(
    '--cooldown-s',
    stringFlag(flags.values, 'cooldown-s') ?? null,
    quick ? 0 : 5,
    0,
    600
  )
  const idleS = parseNumberSetting(
    '--idle-s',
    stringFlag(flags.values, 'idle-s') ?? null,
    quick ? 1 : 10,
    0,
    600
  )
  const intervalMs = parseIntegerSetting(
    '--interval-ms',
    stringFlag(flags.values, 'interval-ms') ?? null,
    100,
    10,
    60000
  )
  const suite = stringFlag(flags.values, 'suite') ?? 'auto'
  if (!['auto', 'gpu', 'cpu'].includes(suite))
    throw new UsageError(describeBadValue('--suite', suite, 'auto, gpu or cpu'))
  const family = stringFlag(flags.values, 'family')
  if (family !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(family))
    throw new UsageError(describeBadValue('--family', family, 'a name like a series name'))
  const custom = stringFlags(flags.values, 'workload').map((w) => parseCustomWorkload(w, family))
  if (family !== undefined && custom.length === 0)
    throw new UsageError(
      describeBadValue(
        '--family',
        family,
        'to come with --workload NAME=CMD (the suite has no family)'
      )
    )
  // --workload alone replaces the suite; with --suite named too, the suite runs first and the
  // team's own training is added to it (one file holds the suite points and the anchor)
  const withSuite = custom.length === 0 || stringFlag(flags.values, 'suite') !== undefined
  const chosen = withSuite
    ? await chooseSuite(suite, readSensorEnv(process.env, intervalMs))
    : { workloads: [], notices: [] }
  const workloads = [...chosen.workloads, ...custom]
  for (const notice of chosen.notices) io.err(`joulegate: ${notice}`)
  const store = flags.values['no-store']
    ? null
    : new FolderStore(stringFlag(flags.values, 'store') ?? DEFAULT_STORE_DIR)
  const runner = createMeasureRunner(io)
  const out = stringFlag(flags.values, 'out') ?? null
  const serialize = (cal: unknown): string => `${JSON.stringify(cal, null, 2)}\n`
  try {
    io.err(
      `joulegate: calibrating with ${workloads.map((w) => w.name).join(', ')} (${runs} runs each)`
    )
    const result = await runCalibration({
      workloads,
      runs,
      quick,
      cooldownS,
      idleS,
      intervalMs,
      env: process.env,
      signal: runner.signal,
      log: (l) => io.err(l),
      store,
      onProgress: out ? (partial) => writeFile(out, serialize(partial)) : undefined
    })
    if (result.interrupted) {
      if (out) await writeFile(out, serialize(result.calibration))
      io.err(
        `joulegate: calibration interrupted after ${result.calibration.points.length} of ${workloads.length} workloads; ${out ? `the finished points are in ${out} (marked incomplete); ` : ''}nothing was stored`
      )
      return 130
    }
    if (out) await writeFile(out, serialize(result.calibration))
    else io.out(serialize(result.calibration))
    if (store && result.calibration.kind === 'quick') {
      io.err(
        `joulegate: a quick calibration (smoke run) is not the runner's calibration: not kept in ${store.description}`
      )
    } else if (store) {
      await store.writeCalibration(result.calibration.host.fingerprint, result.calibration)
      io.err(
        `joulegate: calibration kept in ${store.description} for host ${result.calibration.host.fingerprint}`
      )
    }
    for (const p of result.calibration.points)
      io.err(
        `  ${p.workload}: ${p.energyJ.toPrecision(4)} J in ${p.durationS.toFixed(1)} s, ${p.meanPowerW.toFixed(1)} W, cv ${((p.cv ?? 0) * 100).toFixed(1)}%`
      )
    return 0
  } finally {
    runner.dispose()
    await store?.close()
  }
}
