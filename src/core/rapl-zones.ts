// Which Linux powercap RAPL zones to count, decided from the zone entries alone (pure).
//
// /sys/class/powercap lists every zone flat: `intel-rapl:0` (a package), `intel-rapl:0:0`
// (its core subzone), `intel-rapl:0:2` (dram), `intel-rapl:1` (maybe psys), and the MMIO
// interface `intel-rapl-mmio:0`, which reads the same package a second time. Counting all of them
// would add core and uncore to the package that already contains them, the package twice, and psys
// (the whole SoC/platform) on top of its own parts.
import { COUNTER_POLL_MIN_MS } from './integrate.js'

interface RaplEntry {
  /** the entry name under class/powercap, e.g. intel-rapl:0:2 */
  entry: string
  /** the zone's `name` file, null when unreadable */
  name: string | null
}

export interface RaplZone {
  entry: string
  /** component id: cpu0, cpu1, cpu0-die1, ram0 */
  id: string
  kind: 'cpu' | 'ram'
  /** the zone's own name (package-0, dram) */
  name: string
}

interface SkippedZone {
  entry: string
  name: string | null
  reason: string
}

const TOP = /^intel-rapl:(\d+)$/
const SUB = /^intel-rapl:(\d+):(\d+)$/
const PACKAGE = /^package-(\d+)(?:-die-(\d+))?$/

/** Picks each package zone and its dram subzone once; everything else is skipped with a reason. */
export function selectRaplZones(entries: readonly RaplEntry[]): {
  zones: RaplZone[]
  skipped: SkippedZone[]
} {
  const zones: RaplZone[] = []
  const skipped: SkippedZone[] = []
  const packageIdByTop = new Map<string, string>()
  const seenNames = new Set<string>()
  const sorted = [...entries].sort((a, b) => compareEntries(a.entry, b.entry))
  for (const e of sorted) {
    if (e.entry.startsWith('intel-rapl-mmio')) {
      skipped.push({ ...e, reason: 'MMIO interface: the same package as its intel-rapl zone' })
      continue
    }
    const top = TOP.exec(e.entry)
    if (!top) continue
    const name = e.name?.trim() ?? null
    const pkg = name === null ? null : PACKAGE.exec(name)
    if (name === 'psys') {
      skipped.push({ ...e, name, reason: 'psys covers the whole platform, packages included' })
    } else if (!pkg) {
      skipped.push({ ...e, name, reason: 'not a package zone' })
    } else if (seenNames.has(name!)) {
      skipped.push({ ...e, name, reason: `a second zone named ${name}` })
    } else {
      seenNames.add(name!)
      const id = pkg[2] === undefined ? `cpu${pkg[1]}` : `cpu${pkg[1]}-die${pkg[2]}`
      packageIdByTop.set(top[1]!, id)
      zones.push({ entry: e.entry, id, kind: 'cpu', name: name! })
    }
  }
  for (const e of sorted) {
    const sub = SUB.exec(e.entry)
    if (!sub) continue
    const name = e.name?.trim() ?? null
    const parent = packageIdByTop.get(sub[1]!)
    if (parent === undefined) {
      skipped.push({ ...e, name, reason: 'its parent zone is not counted' })
    } else if (name === 'dram') {
      zones.push({ entry: e.entry, id: parent.replace(/^cpu/, 'ram'), kind: 'ram', name })
    } else {
      skipped.push({ ...e, name, reason: 'inside its package zone, already counted' })
    }
  }
  return { zones, skipped }
}

function compareEntries(a: string, b: string): number {
  const na = a.split(/[:]/).map((p) => (/^\d+$/.test(p) ? p.padStart(6, '0') : p))
  const nb = b.split(/[:]/).map((p) => (/^\d+$/.test(p) ? p.padStart(6, '0') : p))
  return na.join(':').localeCompare(nb.join(':'))
}

/** The power no single RAPL package is assumed to exceed when sizing the poll period. */
const RAPL_ASSUMED_MAX_W = 500
/** Poll at least this many times per wrap so a late timer still sees every wrap. */
const RAPL_POLLS_PER_WRAP = 4

/**
 * Poll period in ms: the sampling interval but no faster than COUNTER_POLL_MIN_MS, and less when
 * a counter could wrap more than once between two readings at RAPL_ASSUMED_MAX_W (a 2^32 µJ range
 * wraps in 8.6 s at 500 W).
 */
export function computeRaplPollMs(
  intervalMs: number,
  rangesUj: readonly (number | null)[],
  maxW = RAPL_ASSUMED_MAX_W
): number {
  let poll = Math.max(intervalMs, COUNTER_POLL_MIN_MS)
  for (const range of rangesUj) {
    if (range === null || !(range > 0)) continue
    const wrapMs = (range / 1e6 / maxW) * 1000
    poll = Math.min(poll, wrapMs / RAPL_POLLS_PER_WRAP)
  }
  return Math.max(1, Math.floor(poll))
}

/** Parses a sysfs integer file's text (energy_uj, max_energy_range_uj, power1_average). */
export function parseSysfsInteger(text: string): number | null {
  const t = text.trim()
  if (!/^-?\d+$/.test(t)) return null
  const n = Number(t)
  return Number.isSafeInteger(n) ? n : null
}
