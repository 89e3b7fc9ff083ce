// Host inventory for measurement files and calibration: which CPU and GPUs did the work.
import { createHash } from 'node:crypto'
import si from 'systeminformation'
import type { HostInfo } from '../core/types.js'

/**
 * The fingerprint names a hardware configuration, not a machine: runners of one type share a
 * calibration. It leaves out the driver on purpose, so that a driver update shows up as drift
 * against the previous calibration instead of starting a new, unrelated series.
 */
export function fingerprintHost(cpu: string, cores: number, gpus: readonly string[]): string {
  const key = JSON.stringify({
    cpu: cpu.trim(),
    cores,
    gpus: [...gpus].map((g) => g.trim()).sort()
  })
  return createHash('sha256').update(key).digest('hex').slice(0, 16)
}

export async function readHostInventory(
  gpuNames: readonly string[],
  driver: string | null = null
): Promise<HostInfo> {
  const [cpu, mem, os] = await Promise.all([si.cpu(), si.mem(), si.osInfo()])
  const cpuName =
    [cpu.manufacturer, cpu.brand]
      .filter((s) => s && s.trim() !== '')
      .join(' ')
      .trim() || 'unknown CPU'
  const cores = cpu.physicalCores || cpu.cores
  return {
    fingerprint: fingerprintHost(cpuName, cores, gpuNames),
    cpu: cpuName,
    gpus: [...gpuNames],
    driver,
    cores,
    memoryGB: Math.round((mem.total / 1024 ** 3) * 10) / 10,
    os: `${os.distro} ${os.release} (${os.kernel})`.trim(),
    hostname: os.hostname
  }
}
