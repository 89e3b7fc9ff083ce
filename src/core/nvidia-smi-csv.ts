// Pure parsing of nvidia-smi output and CUDA_VISIBLE_DEVICES selection.

export interface NvidiaGpuInfo {
  /** nvidia-smi's index: GPUs ordered by PCI bus id */
  index: number
  uuid: string
  busId: string
  name: string
  powerLimitW: number | null
  driver: string | null
}

/** Power fields in order of preference for integration: instant readings first (Ampere+ `power.draw` is a 1 s average). */
export const POWER_FIELDS = ['power.draw.instant', 'power.draw', 'power.draw.average'] as const
const LIMIT_FIELDS = ['enforced.power.limit', 'power.limit'] as const

/** Field names listed by `nvidia-smi --help-query-gpu` (`"name" or "gpu_name"` lines give both). */
export function parseHelpQueryGpu(text: string): Set<string> {
  const fields = new Set<string>()
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith('"')) continue
    for (const m of line.matchAll(/"([A-Za-z0-9_.\-[\]]+)"/g)) fields.add(m[1]!)
  }
  return fields
}

export function choosePowerField(fields: ReadonlySet<string>): string | null {
  return POWER_FIELDS.find((f) => fields.has(f)) ?? null
}

export function chooseLimitField(fields: ReadonlySet<string>): string | null {
  return LIMIT_FIELDS.find((f) => fields.has(f)) ?? null
}

/**
 * A numeric cell, with or without units ("251.37 W", "251.37"); null for nvidia-smi's
 * placeholders ([N/A], [Not Supported], [Unknown Error], [Insufficient Permissions], N/A).
 */
export function parseNvidiaNumber(raw: string | undefined): number | null {
  if (raw === undefined) return null
  const t = raw.trim()
  if (t === '' || t.startsWith('[') || t === 'N/A') return null
  const m = /^(-?\d+(?:\.\d+)?)(?:\s*[A-Za-z%]+)?$/.exec(t)
  return m ? Number(m[1]) : null
}

/**
 * nvidia-smi's `timestamp` cell ("YYYY/MM/DD HH:MM:SS.msec", the host's local time) as
 * milliseconds of that wall-clock reading taken as if it were UTC: the caller compares it with its
 * own local wall clock read the same way, so no time zone enters this pure function. Null when the
 * cell is not a valid timestamp.
 */
export function parseNvidiaTimestamp(raw: string | undefined): number | null {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(
    raw?.trim() ?? ''
  )
  if (!m) return null
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number
  ]
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null
  const frac = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000
  return Date.UTC(y, mo - 1, d, h, mi, s) + frac
}

interface ReadingClock {
  /** the caller's clock (s) when the lines were read */
  nowS: number
  /** caller's clock minus the wall clock in parseNvidiaTimestamp's form (s), measured at that read */
  offsetS: number
  /** the caller's clock (s) at the previous read: lines read now were written after it */
  previousReadS: number
  /** the time (s) given to this GPU's previous reading, null for its first */
  previousS: number | null
  intervalS: number
}

/** How far a stamp may lead the read (rounding) or trail the previous read (query time), s. */
const AHEAD_S = 0.05
const BEHIND_S = 1

/**
 * Places a loop reading stamped `wallMs` on the caller's clock. A stamp that cannot be right
 * (unparsable, ahead of the read, older than the previous read, or not after the GPU's previous
 * reading: the wall clock was stepped) falls back to one interval after the previous reading, at
 * most the read time; `stamped` says which.
 */
export function placeNvidiaReading(
  wallMs: number | null,
  c: ReadingClock
): { t: number; stamped: boolean } {
  const t = wallMs === null ? NaN : wallMs / 1000 + c.offsetS
  const prev = c.previousS ?? -Infinity
  if (t <= c.nowS + AHEAD_S && t >= c.previousReadS - BEHIND_S && t > prev)
    return { t, stamped: true }
  if (c.previousS === null) return { t: c.nowS, stamped: false }
  return {
    t: Math.max(Math.min(c.nowS, c.previousS + c.intervalS), c.previousS + 1e-6),
    stamped: false
  }
}

/** Header cell to field name: `power.draw [W]` -> `power.draw`. */
export function parseHeaderCell(cell: string): string {
  return cell.trim().replace(/\s*\[[^\]]*\]$/, '')
}

/**
 * Splits one CSV line into `count` cells. The last cell keeps any commas, so the GPU name (which
 * may contain commas) is queried last.
 */
export function splitCsvLine(line: string, count: number): string[] | null {
  const cells: string[] = []
  let from = 0
  for (let i = 0; i < count - 1; i++) {
    const comma = line.indexOf(',', from)
    if (comma < 0) return null
    cells.push(line.slice(from, comma).trim())
    from = comma + 1
  }
  cells.push(line.slice(from).trim())
  return cells
}

/** Inventory fields that are nice to have: a minimal nvidia-smi (an emulator) may refuse them. */
const OPTIONAL_LIST_FIELDS = ['uuid', 'pci.bus_id', 'driver_version'] as const

/**
 * The GPU listing queries to try in turn, richest first (`name` last: it may hold commas).
 * `helpFields`: what `--help-query-gpu` listed, null when it failed or listed nothing, in which
 * case the full list is tried first anyway. Each next query drops optional fields, down to `index`.
 */
export function buildGpuListQueries(helpFields: ReadonlySet<string> | null): string[][] {
  const known = (f: string): boolean => helpFields === null || helpFields.has(f)
  const limit = helpFields === null ? LIMIT_FIELDS[0] : chooseLimitField(helpFields)
  const name = known('name') ? ['name'] : []
  const queries = [
    ['index', ...OPTIONAL_LIST_FIELDS.filter(known), ...(limit ? [limit] : []), ...name],
    ['index', ...(known('uuid') ? ['uuid'] : []), ...name],
    ['index', ...name],
    ['index']
  ]
  const seen = new Set<string>()
  return queries.filter((q) => !seen.has(q.join()) && !!seen.add(q.join()))
}

/**
 * Parses the probe's `--query-gpu=<fields> --format=csv` answer (a header with units, then one
 * line per GPU). Fields read: index, uuid, pci.bus_id, name, driver_version and a power limit.
 * `fields`: the fields asked for, used as the header when the answer has none (an emulator that
 * ignores `csv`'s header).
 */
export function parseGpuListCsv(text: string, fields?: readonly string[]): NvidiaGpuInfo[] {
  let lines = text.split(/\r?\n/).filter((l) => l.trim() !== '')
  if (lines.length === 0) return []
  let header = splitCsvLine(lines[0]!, lines[0]!.split(',').length)!.map(parseHeaderCell)
  if (fields && !header.includes('index')) header = [...fields]
  else lines = lines.slice(1)
  const col = (name: string): number => header.indexOf(name)
  const nameCol = col('name') >= 0 ? col('name') : col('gpu_name')
  const limitCol = LIMIT_FIELDS.map(col).find((i) => i >= 0) ?? -1
  const gpus: NvidiaGpuInfo[] = []
  for (const line of lines) {
    const cells = splitCsvLine(line, header.length)
    if (!cells) continue
    const index = Number(cells[col('index')])
    if (!Number.isInteger(index)) continue
    const driver = col('driver_version') >= 0 ? cells[col('driver_version')]! : null
    gpus.push({
      index,
      uuid: cells[col('uuid')] ?? '',
      busId: cells[col('pci.bus_id')] ?? '',
      name: nameCol >= 0 ? cells[nameCol]! : 'NVIDIA GPU',
      powerLimitW: limitCol >= 0 ? parseNvidiaNumber(cells[limitCol]) : null,
      driver: driver === null || driver.startsWith('[') ? null : driver
    })
  }
  return gpus
}

/** MIG device UUID -> parent GPU UUID, from `nvidia-smi -L`. */
export function parseMigParents(listText: string): Map<string, string> {
  const parents = new Map<string, string>()
  let parent: string | null = null
  for (const line of listText.split(/\r?\n/)) {
    const gpu = /^GPU \d+:.*\(UUID: (GPU-[^)]+)\)/.exec(line)
    if (gpu) parent = gpu[1]!
    const mig = /^\s+MIG .*\(UUID: (MIG-[^)]+)\)/.exec(line)
    if (mig && parent !== null) parents.set(mig[1]!, parent)
  }
  return parents
}

export interface GpuSelection {
  selected: NvidiaGpuInfo[]
  notes: string[]
  /** parent GPU uuid -> the MIG entries of CUDA_VISIBLE_DEVICES that live on it */
  migOnParent: Map<string, string[]>
}

/**
 * The GPUs a CUDA program would see. CUDA_VISIBLE_DEVICES holds indices, `GPU-` UUIDs (a unique
 * prefix is enough) or MIG entries (`MIG-<uuid>` or the older `MIG-GPU-<uuid>/<gi>/<ci>`);
 * like CUDA, enumeration stops at the first entry that matches nothing. Indices are taken in
 * nvidia-smi's PCI bus order, which is CUDA's order under CUDA_DEVICE_ORDER=PCI_BUS_ID and, on a
 * host whose GPUs are all the same model, under the default FASTEST_FIRST too.
 */
export function selectVisibleGpus(
  gpus: readonly NvidiaGpuInfo[],
  cudaVisibleDevices: string | undefined,
  migParents: ReadonlyMap<string, string> = new Map(),
  cudaDeviceOrder?: string
): GpuSelection {
  const notes: string[] = []
  const migOnParent = new Map<string, string[]>()
  if (cudaVisibleDevices === undefined) return { selected: [...gpus], notes, migOnParent }
  const chosen: NvidiaGpuInfo[] = []
  const add = (gpu: NvidiaGpuInfo): void => {
    if (!chosen.includes(gpu)) chosen.push(gpu)
  }
  let usedIndices = false
  const tokens = cudaVisibleDevices.split(',').map((t) => t.trim())
  for (const token of tokens) {
    let gpu: NvidiaGpuInfo | undefined
    if (/^\d+$/.test(token)) {
      usedIndices = true
      gpu = gpus[Number(token)]
    } else if (token.startsWith('GPU-')) {
      const matches = gpus.filter((g) => g.uuid.startsWith(token))
      gpu = matches.length === 1 ? matches[0] : undefined
    } else if (token.startsWith('MIG-')) {
      const legacy = /^MIG-(GPU-[0-9a-fA-F-]+)\//.exec(token)
      const parent = legacy ? legacy[1]! : migParents.get(token)
      gpu = parent === undefined ? undefined : gpus.find((g) => g.uuid === parent)
      if (gpu) migOnParent.set(gpu.uuid, [...(migOnParent.get(gpu.uuid) ?? []), token])
    }
    if (gpu === undefined) {
      if (token !== '') {
        notes.push(
          `CUDA_VISIBLE_DEVICES entry "${token}" matches no GPU; like CUDA, it and the entries after it are ignored`
        )
      }
      break
    }
    add(gpu)
  }
  const models = new Set(gpus.map((g) => g.name))
  if (usedIndices && models.size > 1 && cudaDeviceOrder !== 'PCI_BUS_ID') {
    notes.push(
      'CUDA_VISIBLE_DEVICES uses indices on a host with different GPU models: they are read in PCI bus order (nvidia-smi), while CUDA orders FASTEST_FIRST unless CUDA_DEVICE_ORDER=PCI_BUS_ID; set it, or use GPU UUIDs'
    )
  }
  for (const [parent, migs] of migOnParent) {
    notes.push(
      `MIG: ${migs.join(', ')} run on GPU ${parent}; its power and energy are measured for the whole GPU (MIG slices have no meter of their own)`
    )
  }
  return { selected: chosen, notes, migOnParent }
}
