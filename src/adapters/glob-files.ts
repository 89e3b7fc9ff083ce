// Expands a file pattern such as `results/**/joulegate-result.json` (the downloaded artifacts of a
// matrix's jobs) with Node's fs alone: no shell, so nothing in a name can run. Only `*`, `?` and
// `**` are special. The walk never follows a symbolic link (a link in a checked-out tree could
// point anywhere, or loop), never enters dot folders unless the pattern names them (`.git` can
// hold thousands of entries), and stops at bounds instead of walking a whole disk.
import { readdir } from 'node:fs/promises'
import { isAbsolute, join, resolve, sep } from 'node:path'

interface GlobLimits {
  /** most files a pattern may match; more is an error (the pattern is too broad) */
  maxMatches: number
  /** most directory entries looked at during the walk */
  maxEntries: number
}

export class GlobLimitError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GlobLimitError'
  }
}

/** True when the value has a wildcard, so it is a pattern rather than one path. */
export function isGlobPattern(value: string): boolean {
  return /[*?]/.test(value)
}

function compileSegment(segment: string): RegExp {
  const body = segment
    .split('')
    .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${body}$`)
}

/** A wildcard does not match a leading dot, as in a shell: `*` is not `.git`. */
function matchesSegment(name: string, segment: string, regex: RegExp): boolean {
  if (name.startsWith('.') && !segment.startsWith('.')) return false
  return regex.test(name)
}

/**
 * The regular files the pattern matches, sorted, as absolute paths. `base` resolves a relative
 * pattern. Throws GlobLimitError past a bound; a folder that cannot be read is skipped.
 */
export async function expandGlob(
  pattern: string,
  base: string,
  limits: GlobLimits
): Promise<string[]> {
  const normalised = pattern.split(sep).join('/')
  const absolute = isAbsolute(normalised)
    ? normalised
    : `${base.split(sep).join('/')}/${normalised}`
  const segments = absolute.split('/').filter((s) => s !== '' && s !== '.')
  const firstWild = segments.findIndex(isGlobPattern)
  const prefix = segments.slice(0, Math.max(firstWild, 0)).join('/')
  const root = resolve(absolute.startsWith('/') ? `/${prefix}` : prefix)
  const rest = firstWild < 0 ? [] : segments.slice(firstWild)
  // a trailing `**` means every file below
  if (rest.at(-1) === '**') rest.push('*')
  if (rest.includes('..'))
    throw new GlobLimitError(
      '".." after a wildcard is not allowed (it could leave the folder walked)'
    )
  const compiled = rest.map((s) => (s === '**' ? null : compileSegment(s)))
  const found = new Set<string>()
  let entries = 0

  async function walk(dir: string, i: number): Promise<void> {
    if (i >= rest.length) return
    const segment = rest[i]!
    let list
    try {
      list = await readdir(dir, { withFileTypes: true })
    } catch {
      return
    }
    entries += list.length
    if (entries > limits.maxEntries)
      throw new GlobLimitError(`the walk looked at more than ${limits.maxEntries} entries`)
    if (segment === '**') {
      // `**` matches no folder at all, or any number of them
      await walk(dir, i + 1)
      for (const d of list)
        if (d.isDirectory() && !d.name.startsWith('.')) await walk(join(dir, d.name), i)
      return
    }
    const last = i === rest.length - 1
    for (const d of list) {
      if (!matchesSegment(d.name, segment, compiled[i]!)) continue
      if (last && d.isFile()) {
        found.add(join(dir, d.name))
        if (found.size > limits.maxMatches)
          throw new GlobLimitError(`it matches more than ${limits.maxMatches} files`)
      } else if (!last && d.isDirectory()) await walk(join(dir, d.name), i + 1)
    }
  }

  await walk(root, 0)
  return [...found].sort()
}
