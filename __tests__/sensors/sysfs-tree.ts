// Builds a fake /sys in a temp dir from a fixture description, with the real tree's symlinks:
// class/powercap/intel-rapl:0 -> ../../devices/virtual/powercap/intel-rapl/intel-rapl:0, and
// class/hwmon/hwmonN -> ../../devices/pci.../<bdf>/hwmon/hwmonN with hwmonN/device -> ../../<bdf>.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

interface ZoneSpec {
  entry: string
  name: string
  energyUj: number
  rangeUj: number
  mmio?: boolean
  sub?: ZoneSpec[]
}
interface HwmonSpec {
  entry: string
  name: string
  device: string
  files: Record<string, string>
  productName?: string
}
interface TreeSpec {
  powercap?: ZoneSpec[]
  hwmon?: HwmonSpec[]
}

export interface SysfsTree {
  root: string
  /** the real file behind class/powercap/<entry>/<file> */
  raplFile(entry: string, file?: string): string
  hwmonFile(entry: string, file: string): string
  /** Sets a zone's energy_uj, as the kernel would (a fault first healed). */
  setCounter(entry: string, uj: number): void
  /**
   * Breaks a zone's energy_uj as failing hardware or drivers do: `unreadable` (the read fails, as
   * after a permission change or a hot-unplugged MMIO region), `garbage` (the file holds no integer).
   */
  breakCounter(entry: string, fault: 'unreadable' | 'garbage'): void
  cleanup(): void
}

export function loadFixture(name: string): TreeSpec {
  return JSON.parse(readFileSync(resolve('__tests__/fixtures/sysfs', name), 'utf8')) as TreeSpec
}

export function buildSysfs(spec: TreeSpec): SysfsTree {
  const root = mkdtempSync(join(tmpdir(), 'joulegate-sysfs-'))
  const real = new Map<string, string>()
  const classPowercap = join(root, 'class', 'powercap')
  const classHwmon = join(root, 'class', 'hwmon')
  mkdirSync(classPowercap, { recursive: true })
  mkdirSync(classHwmon, { recursive: true })
  const writeZone = (dir: string, z: ZoneSpec): void => {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'name'), `${z.name}\n`)
    writeFileSync(join(dir, 'energy_uj'), `${z.energyUj}\n`)
    writeFileSync(join(dir, 'max_energy_range_uj'), `${z.rangeUj}\n`)
    writeFileSync(join(dir, 'enabled'), '1\n')
    real.set(z.entry, dir)
  }
  const zones = spec.powercap ?? []
  if (zones.some((z) => !z.mmio)) {
    mkdirSync(join(root, 'devices/virtual/powercap/intel-rapl'), { recursive: true })
    symlinkSync('../../devices/virtual/powercap/intel-rapl', join(classPowercap, 'intel-rapl'))
  }
  for (const z of zones) {
    const parentRel = z.mmio
      ? 'devices/pci0000:00/0000:00:04.0/powercap/intel-rapl-mmio'
      : 'devices/virtual/powercap/intel-rapl'
    writeZone(join(root, parentRel, z.entry), z)
    symlinkSync(`../../${parentRel}/${z.entry}`, join(classPowercap, z.entry))
    for (const s of z.sub ?? []) {
      writeZone(join(root, parentRel, z.entry, s.entry), s)
      symlinkSync(`../../${parentRel}/${z.entry}/${s.entry}`, join(classPowercap, s.entry))
    }
  }
  for (const h of spec.hwmon ?? []) {
    const devRel = `devices/pci0000:00/0000:00:01.1/${h.device}`
    const hwDir = join(root, devRel, 'hwmon', h.entry)
    mkdirSync(hwDir, { recursive: true })
    writeFileSync(join(hwDir, 'name'), `${h.name}\n`)
    for (const [f, v] of Object.entries(h.files)) writeFileSync(join(hwDir, f), `${v}\n`)
    if (h.productName) writeFileSync(join(root, devRel, 'product_name'), `${h.productName}\n`)
    symlinkSync(`../../../${h.device}`, join(hwDir, 'device'))
    symlinkSync(`../../${devRel}/hwmon/${h.entry}`, join(classHwmon, h.entry))
    real.set(h.entry, hwDir)
  }
  return {
    root,
    raplFile: (entry, file = 'energy_uj') => join(real.get(entry)!, file),
    hwmonFile: (entry, file) => join(real.get(entry)!, file),
    setCounter: (entry, uj) => {
      const file = join(real.get(entry)!, 'energy_uj')
      rmSync(file, { recursive: true, force: true })
      writeFileSync(file, `${uj}\n`)
    },
    breakCounter: (entry, fault) => {
      const file = join(real.get(entry)!, 'energy_uj')
      rmSync(file, { recursive: true, force: true })
      // a directory in its place fails every read (EISDIR), for root too, unlike chmod 000
      if (fault === 'unreadable') mkdirSync(file)
      else writeFileSync(file, '\u0000\u0000\u0000\n')
    },
    cleanup: () => rmSync(root, { recursive: true, force: true })
  }
}
