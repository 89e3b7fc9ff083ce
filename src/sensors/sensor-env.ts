// The environment variables sensors honour (contract: JOULEGATE_SYSFS_ROOT, JOULEGATE_NVIDIA_SMI),
// read once by the shell that starts a measurement, never at import time.
import type { SensorEnv } from './sensor.js'

const ENV = {
  sysfsRoot: 'JOULEGATE_SYSFS_ROOT',
  nvidiaSmi: 'JOULEGATE_NVIDIA_SMI',
  python: 'JOULEGATE_PYTHON'
} as const

export function readSensorEnv(
  env: Readonly<Record<string, string | undefined>>,
  intervalMs: number
): SensorEnv {
  const python = env[ENV.python]
  return {
    sysfsRoot: env[ENV.sysfsRoot] || '/sys',
    nvidiaSmi: env[ENV.nvidiaSmi] || 'nvidia-smi',
    cudaVisibleDevices: env['CUDA_VISIBLE_DEVICES'],
    cudaDeviceOrder: env['CUDA_DEVICE_ORDER'],
    intervalMs,
    python: python === 'none' ? null : python || 'python3'
  }
}
