// Host inventory for measurement files, calibration and the estimate: which CPU and GPUs did the
// work. Read from /proc, sysfs and /etc directly (a few small files, no child process), because
// it runs on every measurement's start and a slower inventory delays the user's command.
//
// The CPU name and core count reproduce what joulegate recorded when it asked lscpu (through
// systeminformation 5.x), so that a runner keeps its calibration fingerprint across the change:
// lscpu's "Model name" is /proc/cpuinfo's "model name" on x86, and on Arm it is the core's name
// from lscpu's table of part numbers (the common server and board cores are listed below).
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { cpus, hostname, release, totalmem } from 'node:os'
import { join } from 'node:path'
import type { HostInfo } from '../core/types.js'

/** Where the inventory reads; a test points these at a captured host. */
export interface HostRoots {
  proc: string
  sys: string
  etc: string
}

const LINUX_ROOTS: HostRoots = { proc: '/proc', sys: '/sys', etc: '/etc' }

interface CpuInventory {
  /** "Intel Xeon® Gold 6230", "AMD EPYC 7763 64-Core Processor", "Neoverse-V2" */
  name: string
  /** physical cores: distinct (package, core) pairs of the online CPUs */
  cores: number
  /** logical CPUs online */
  threads: number
  memoryBytes: number
}

/** Arm Ltd. (implementer 0x41) cores as lscpu names them: Grace, Graviton, Altra, Jetson, Pi. */
const ARM_PARTS: Readonly<Record<string, string>> = {
  '0xd03': 'Cortex-A53',
  '0xd07': 'Cortex-A57',
  '0xd08': 'Cortex-A72',
  '0xd0b': 'Cortex-A76',
  '0xd0c': 'Neoverse-N1',
  '0xd40': 'Neoverse-V1',
  '0xd41': 'Cortex-A78',
  '0xd42': 'Cortex-A78AE',
  '0xd49': 'Neoverse-N2',
  '0xd4f': 'Neoverse-V2',
  '0xd84': 'Neoverse-V3',
  '0xd8e': 'Neoverse-N3'
}

/**
 * The fingerprint names a hardware configuration, not a machine: runners of one type share a
 * calibration. It leaves out the driver on purpose, so that a driver update shows up as drift
 * against the previous calibration instead of starting a new, unrelated series.
 */
function fingerprintHost(cpu: string, cores: number, gpus: readonly string[]): string {
  const key = JSON.stringify({
    cpu: cpu.trim(),
    cores,
    gpus: [...gpus].map((g) => g.trim()).sort()
  })
  return createHash('sha256').update(key).digest('hex').slice(0, 16)
}

const readText = (path: string): Promise<string | null> =>
  readFile(path, 'utf8').then(
    (text) => text,
    () => null
  )

/** The first "key : value" of the lines whose key starts with `key` (case-insensitive). */
function valueOf(lines: readonly string[], key: string): string {
  for (const line of lines) {
    if (!line.toLowerCase().replace(/\t/g, '').startsWith(key)) continue
    const at = line.indexOf(':')
    if (at >= 0) return line.slice(at + 1).trim()
  }
  return ''
}

const VENDORS: readonly [string, string][] = [
  ['intel', 'Intel'],
  ['amd', 'AMD'],
  ['qemu', 'QEMU'],
  ['hygon', 'Hygon'],
  ['centaur', 'WinChip/Via'],
  ['vmware', 'VMware'],
  ['tcg', 'QEMU'],
  ['apple', 'Apple'],
  ['sifive', 'SiFive'],
  ['thead', 'T-Head'],
  ['andestech', 'Andes Technology']
]

/** "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz" -> "Intel Xeon® Gold 6230": vendor, then model. */
function nameCpu(modelLine: string): string {
  let brand = modelLine
    .replace(/To Be Filled By O.E.M./g, '')
    .split('@')[0]!
    .trim()
  if (brand.includes('Unknown')) brand = brand.split('Unknown')[0]!.trim()
  const tidy = (s: string) => s.replace(/\s+/g, ' ').trim()
  brand = tidy(brand.replace(/\(R\)+/g, '®'))
  brand = tidy(brand.replace(/\(TM\)+/g, '™'))
  brand = tidy(brand.replace(/\(C\)+/g, '©'))
  brand = tidy(brand.replace(/CPU+/g, ''))
  const lower = brand.toLowerCase()
  let vendor = brand
  for (const [needle, name] of VENDORS) if (lower.includes(needle)) vendor = name
  const model = brand.split(' ').slice(1).join(' ')
  return (
    [vendor, model]
      .filter((s) => s.trim() !== '')
      .join(' ')
      .trim() || 'unknown CPU'
  )
}

/** lscpu names an Arm core by its part number (even where the kernel prints a "model name"). */
function modelLineOf(cpuinfo: readonly string[]): string {
  const armPart =
    valueOf(cpuinfo, 'cpu implementer') === '0x41'
      ? ARM_PARTS[valueOf(cpuinfo, 'cpu part')]
      : undefined
  return armPart ?? valueOf(cpuinfo, 'model name')
}

/** Distinct (package, core) pairs and the count of CPUs with a topology (online ones have one). */
async function readTopology(sys: string): Promise<{ cores: number; threads: number } | null> {
  const base = join(sys, 'devices/system/cpu')
  const names = await readdir(base).catch(() => [] as string[])
  const pairs = await Promise.all(
    names
      .filter((n) => /^cpu\d+$/.test(n))
      .map(async (n) => {
        const [pkg, core] = await Promise.all([
          readText(join(base, n, 'topology/physical_package_id')),
          readText(join(base, n, 'topology/core_id'))
        ])
        return pkg === null || core === null ? null : `${pkg.trim()}:${core.trim()}`
      })
  )
  const online = pairs.filter((p): p is string => p !== null)
  return online.length === 0 ? null : { cores: new Set(online).size, threads: online.length }
}

export async function readCpuInventory(roots: HostRoots = LINUX_ROOTS): Promise<CpuInventory> {
  const [cpuinfo, meminfo, topology] = await Promise.all([
    readText(join(roots.proc, 'cpuinfo')),
    readText(join(roots.proc, 'meminfo')),
    readTopology(roots.sys)
  ])
  const memKb = Number.parseInt(valueOf((meminfo ?? '').split('\n'), 'memtotal'), 10)
  const memoryBytes = Number.isFinite(memKb) ? memKb * 1024 : totalmem()
  if (cpuinfo === null) {
    // no /proc (not Linux): what Node knows, the processor's name and the logical CPUs
    const logical = cpus()
    const threads = topology?.threads ?? Math.max(logical.length, 1)
    return { name: nameCpu(logical[0]?.model ?? ''), cores: threads, threads, memoryBytes }
  }
  const lines = cpuinfo.split('\n')
  const processors = lines.filter((l) => /^processor\s*:/.test(l)).length
  const threads = Math.max(topology?.threads ?? processors, 1)
  return {
    name: nameCpu(modelLineOf(lines)),
    cores: topology?.cores ?? threads,
    threads,
    memoryBytes
  }
}

/** os-release's NAME and version: "Debian GNU/Linux 12", "Ubuntu 22.04.4 LTS". */
async function readOsName(etc: string): Promise<string> {
  const release: Record<string, string> = {}
  for (const file of ['lsb-release', 'os-release']) {
    for (const line of ((await readText(join(etc, file))) ?? '').split('\n')) {
      const [key, value] = line.split('=')
      if (key !== undefined && value !== undefined)
        release[key.trim().toUpperCase()] = value.trim().replace(/"/g, '')
    }
  }
  const distro = release['DISTRIB_ID'] || release['NAME'] || 'unknown'
  let version = release['VERSION'] || ''
  const pretty = release['PRETTY_NAME'] || ''
  if (pretty.startsWith(`${distro} `)) version = pretty.slice(distro.length + 1).trim()
  version = version.split('(')[0]!.trim()
  return `${distro} ${version || release['DISTRIB_RELEASE'] || release['VERSION_ID'] || 'unknown'}`
}

export async function readHostInventory(
  gpuNames: readonly string[],
  driver: string | null = null,
  roots: HostRoots = LINUX_ROOTS
): Promise<HostInfo> {
  const [cpu, os, kernel, host] = await Promise.all([
    readCpuInventory(roots),
    readOsName(roots.etc),
    readText(join(roots.proc, 'sys/kernel/osrelease')),
    readText(join(roots.proc, 'sys/kernel/hostname'))
  ])
  return {
    fingerprint: fingerprintHost(cpu.name, cpu.cores, gpuNames),
    cpu: cpu.name,
    gpus: [...gpuNames],
    driver,
    cores: cpu.cores,
    memoryGB: Math.round((cpu.memoryBytes / 1024 ** 3) * 10) / 10,
    os: `${os} (${kernel?.trim() || release()})`,
    hostname: host?.trim() || hostname()
  }
}
