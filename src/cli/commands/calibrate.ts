// joulegate calibrate [--out FILE] [--workload NAME=CMD ...] [--runs N] [--quick] [--suite S]
import { writeFile } from 'node:fs/promises'
import { openFolderStore } from '../../adapters/store/folder-backend.js'
import { CALIBRATE, DEFAULTS, DEFAULT_STORE_DIR, INPUTS } from '../../core/settings.js'
import { UsageError, describeBadValue } from '../../core/errors.js'
import { formatCalibrationLines } from '../../core/report/calibration-report.js'
import { calibrateRunner } from '../../usecases/calibrate-runner.js'
import { parseCustomWorkload } from '../../usecases/reference-suite.js'
import { COMMON, choiceOf, withHelp } from '../flags.js'
import { createMeasureRunner } from '../measure-runner.js'
import type { CommandDef } from '../settings.js'
import { readEnv } from '../env.js'

export const calibrate: CommandDef = {
  name: 'calibrate',
  summary: 'run the reference suite (or your workloads) and write a calibration of this runner',
  usage: 'joulegate calibrate [options]',
  description:
    'Runs the reference suite (or your workloads) and writes a joulegate.calibration/v1 file.',
  flags: [
    withHelp(COMMON.out, 'write the calibration to FILE'),
    {
      name: 'workload',
      type: 'string',
      value: 'NAME=CMD',
      multiple: true,
      field: 'workloads',
      help: 'a workload of your own (repeatable); replaces the built-in suite,\nunless --suite is given too (then both run, the suite first)'
    },
    {
      name: 'suite',
      type: 'string',
      value: 'auto|gpu|cpu',
      field: 'suite',
      parse: choiceOf(['auto', 'gpu', 'cpu'] as const, 'auto, gpu or cpu'),
      help: 'built-in suite (default auto: gpu when an NVIDIA or AMD GPU is visible)'
    },
    {
      name: 'runs',
      type: 'string',
      value: 'N',
      input: INPUTS.calibrationRuns,
      help: `runs per workload (default ${CALIBRATE.runs})`
    },
    {
      name: 'cooldown-s',
      type: 'string',
      value: 'S',
      input: INPUTS.calibrationCooldownSeconds,
      help: `pause between runs (default ${CALIBRATE.cooldownSeconds}; ${CALIBRATE.quickCooldownSeconds} with --quick)`
    },
    withHelp(
      COMMON.idleS,
      `idle power measured first (default ${DEFAULTS.idleSeconds}; ${CALIBRATE.quickIdleSeconds} with --quick)`
    ),
    withHelp(COMMON.intervalMs, 'sampling interval (default 100)'),
    {
      name: 'quick',
      type: 'boolean',
      input: INPUTS.quick,
      help: 'the suite\'s small scale (tests, smoke checks): marked kind "quick",\nnever stored as the runner\'s calibration'
    },
    withHelp(
      COMMON.family,
      "the workload family of --workload points (default: the workload's name);\nname it like the series whose pull-request runs it anchors"
    ),
    withHelp(
      COMMON.store,
      `also keep it in this history folder, by host fingerprint (default ${DEFAULT_STORE_DIR})`
    ),
    { name: 'no-store', type: 'boolean', field: 'noStore', help: 'do not keep it in the store' }
  ],
  run: runCalibrate
}

async function runCalibrate(...[settings, io]: Parameters<CommandDef['run']>): Promise<number> {
  const { family } = settings
  const env = readEnv()
  const custom = settings.workloads.map((w) => parseCustomWorkload(w, family ?? undefined))
  if (family !== null && custom.length === 0)
    throw new UsageError(
      describeBadValue(
        '--family',
        family,
        'to come with --workload NAME=CMD (the suite has no family)'
      )
    )
  // --workload alone replaces the suite; with --suite named too, the suite runs first and the
  // team's own training is added to it (one file holds the suite points and the anchor)
  const withSuite = custom.length === 0 || settings.given.has('suite')
  const store = settings.noStore ? null : openFolderStore(settings.store ?? DEFAULT_STORE_DIR)
  const runner = createMeasureRunner(io)
  const out = settings.out
  const serialize = (cal: unknown): string => `${JSON.stringify(cal, null, 2)}\n`
  try {
    const result = await calibrateRunner(
      settings,
      { suite: withSuite ? settings.suite : null, workloads: custom },
      {
        env,
        signal: runner.signal,
        log: runner.log,
        onStep: runner.onStep,
        onTick: runner.onTick,
        store,
        onProgress: out ? (partial) => writeFile(out, serialize(partial)) : undefined
      }
    )
    runner.clear()
    if (result.interrupted) {
      if (out) await writeFile(out, serialize(result.calibration))
      io.err(
        `joulegate: calibration interrupted after ${result.calibration.points.length} of ${result.workloads.length} workloads; ${out ? `the finished points are in ${out} (marked incomplete); ` : ''}nothing was stored`
      )
      return 130
    }
    if (out) await writeFile(out, serialize(result.calibration))
    else io.out(serialize(result.calibration))
    if (store && result.calibration.kind === 'quick') {
      io.err(
        `joulegate: a quick calibration (smoke run) is not the runner's calibration: not kept in ${store.description}`
      )
    } else if (store && result.stored) {
      io.err(
        `joulegate: calibration kept in ${store.description} for host ${result.calibration.host.fingerprint}`
      )
    }
    for (const line of formatCalibrationLines(result.calibration)) io.err(line)
    return 0
  } finally {
    runner.dispose()
    await store?.close()
  }
}
