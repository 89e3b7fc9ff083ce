// A fake /sys powercap tree for the CPU-cost bench, laid out like a two-socket Intel server
// (class/powercap/intel-rapl:N -> ../../devices/virtual/powercap/intel-rapl/intel-rapl:N). The
// counters stay still: the monitor's cost is the reads, not the values it finds.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

interface Zone {
  entry: string
  name: string
  rangeUj: number
  sub: Zone[]
}

const PACKAGE_RANGE_UJ = 262_143_328_850
const DRAM_RANGE_UJ = 65_712_999_613

const ZONES: Zone[] = [0, 1].map((p) => ({
  entry: `intel-rapl:${p}`,
  name: `package-${p}`,
  rangeUj: PACKAGE_RANGE_UJ,
  sub: [
    { entry: `intel-rapl:${p}:0`, name: 'core', rangeUj: PACKAGE_RANGE_UJ, sub: [] },
    { entry: `intel-rapl:${p}:1`, name: 'dram', rangeUj: DRAM_RANGE_UJ, sub: [] }
  ]
}))

export interface RaplFixture {
  root: string
  /** the counters the RAPL sensor reads on each poll (packages and their dram) */
  counters: number
  cleanup(): void
}

export function buildRaplFixture(): RaplFixture {
  const root = mkdtempSync(join(tmpdir(), 'joulegate-bench-sysfs-'))
  const classDir = join(root, 'class', 'powercap')
  const realBase = 'devices/virtual/powercap/intel-rapl'
  mkdirSync(classDir, { recursive: true })
  mkdirSync(join(root, realBase), { recursive: true })
  symlinkSync(`../../${realBase}`, join(classDir, 'intel-rapl'))
  const write = (rel: string, z: Zone): void => {
    const dir = join(root, rel)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'name'), `${z.name}\n`)
    writeFileSync(join(dir, 'energy_uj'), `${Math.floor(z.rangeUj / 3)}\n`)
    writeFileSync(join(dir, 'max_energy_range_uj'), `${z.rangeUj}\n`)
    writeFileSync(join(dir, 'enabled'), '1\n')
    symlinkSync(`../../${rel}`, join(classDir, z.entry))
  }
  for (const z of ZONES) {
    write(`${realBase}/${z.entry}`, z)
    for (const s of z.sub) write(`${realBase}/${z.entry}/${s.entry}`, s)
  }
  return {
    root,
    counters: ZONES.length * 2,
    cleanup: () => rmSync(root, { recursive: true, force: true })
  }
}
