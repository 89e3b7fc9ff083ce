// The run environment as one typed object. Each shell reads its process's variables once (the CLI
// in src/cli/env.ts, the action in src/action/env.ts) and passes this down; nothing below the
// shells looks at the process's environment, so a use case runs the same under any caller.
import type { SensorEnv } from '../sensors/sensor.js'
import { readSensorEnv } from '../sensors/sensor-env.js'
import type { EnvVars } from '../core/types.js'

export type { EnvVars }

export interface RunEnv {
  /** passed explicitly to every child: the measured command, git, nvidia-smi, the NVML helper */
  vars: EnvVars
  /** JOULEGATE_SYSFS_ROOT, JOULEGATE_NVIDIA_SMI, JOULEGATE_PYTHON, CUDA_VISIBLE_DEVICES... */
  sensors: SensorEnv
  /** RUNNER_NAME: the runner a record was made on, null off a runner */
  runnerName: string | null
  /** JOULEGATE_CROSS_CHECK=1: read the same devices with a second sensor */
  crossCheck: boolean
  /** JOULEGATE_METRICS_FILE: where a workload writes its progress metrics, when set */
  metricsFile: string | null
}

export function readRunEnv(vars: EnvVars): RunEnv {
  return {
    vars,
    // the interval is a setting, not a variable: each use case adds its own (sensorEnvOf)
    sensors: readSensorEnv(vars, 0),
    runnerName: vars['RUNNER_NAME'] || null,
    crossCheck: vars['JOULEGATE_CROSS_CHECK'] === '1',
    metricsFile: vars['JOULEGATE_METRICS_FILE'] || null
  }
}

/** the sensors' variables at this run's sampling interval */
export function sensorEnvOf(env: RunEnv, intervalMs: number): SensorEnv {
  return { ...env.sensors, intervalMs }
}
