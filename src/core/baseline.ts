// Which earlier run a new run is compared with. The rule (DESIGN.md, "check"): the pull request's
// base commit if it has a record; else the nearest record on HEAD's first-parent history (the
// commits the default branch actually went through, not the side branches merged into it); with
// no git history, or no record on the history that could be read, the newest record. The reason is
// a sentence the report prints as is.
import { computeRepeatStats } from './measurement.js'
import type { HistoryRecord, RunSummary } from './types.js'

export interface BaselineInput {
  /** the series' history, in file order (oldest appended first) */
  records: readonly HistoryRecord[]
  /** the pull request's base commit, when there is one */
  baseCommit?: string | null
  /** first-parent ancestry of HEAD, newest first (HEAD itself first); null outside a git repository */
  ancestry: readonly string[] | null
  /** true when the checkout is shallow, so the ancestry may stop early */
  shallow?: boolean
}

type BaselineSource = 'base-commit' | 'ancestor' | 'newest' | 'none'

interface BaselineChoice {
  /** the newest record at the chosen commit; null means verdict no-baseline */
  record: HistoryRecord | null
  /** every usable record at the chosen commit, oldest first (repeats for statistics) */
  records: HistoryRecord[]
  commit: string | null
  source: BaselineSource
  reason: string
}

const short = (sha: string): string => sha.slice(0, 7)
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** Full and abbreviated shas name the same commit when one is a prefix of the other (7+ hex digits). */
export function sameCommit(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false
  const x = a.trim().toLowerCase()
  const y = b.trim().toLowerCase()
  if (x === y) return true
  return Math.min(x.length, y.length) >= 7 && (x.startsWith(y) || y.startsWith(x))
}

// A run that failed or was stopped measured something other than the work; never compare with it.
const isUsable = (r: HistoryRecord): boolean =>
  r.measurement.exitCode === 0 && r.measurement.interrupted !== true

const time = (r: HistoryRecord): number => {
  const t = Date.parse(r.recordedAt)
  return Number.isNaN(t) ? -Infinity : t
}

/** Records ordered oldest first by recordedAt; equal times keep file order (appends are in order). */
function byTime(records: readonly HistoryRecord[]): HistoryRecord[] {
  return records
    .map((r, i) => ({ r, i }))
    .sort((a, b) => time(a.r) - time(b.r) || a.i - b.i)
    .map((x) => x.r)
}

function found(
  records: HistoryRecord[],
  commit: string | null,
  source: BaselineSource,
  reason: string
): BaselineChoice {
  const sorted = byTime(records)
  const runs = sorted.length > 1 ? ` (${plural(sorted.length, 'record')})` : ''
  return {
    record: sorted[sorted.length - 1],
    records: sorted,
    commit,
    source,
    reason: reason + runs
  }
}

function none(reason: string): BaselineChoice {
  return { record: null, records: [], commit: null, source: 'none', reason }
}

export function selectBaseline(input: BaselineInput): BaselineChoice {
  const usable = input.records.filter(isUsable)
  const skipped = input.records.length - usable.length
  const skippedNote = skipped > 0 ? `; ${plural(skipped, 'failed or interrupted run')} ignored` : ''
  if (usable.length === 0) {
    return none(
      input.records.length === 0 ? 'no record in this series yet' : `no usable record${skippedNote}`
    )
  }
  const at = (sha: string): HistoryRecord[] => usable.filter((r) => sameCommit(r.commit, sha))
  const base = input.baseCommit?.trim() || null

  if (base) {
    const atBase = at(base)
    if (atBase.length > 0)
      return found(
        atBase,
        atBase[0].commit,
        'base-commit',
        `base commit ${short(base)} has a record`
      )
  }

  const ancestry = input.ancestry ?? []
  if (ancestry.length === 0) {
    const newest = byTime(usable).at(-1)!
    const sameRun = newest.commit ? at(newest.commit) : [newest]
    // the report names the record's commit and time next to the reason, so it does not repeat them
    const lead = base
      ? `base commit ${short(base)} has no record and there is no git history`
      : 'there is no git history'
    return found(sameRun, newest.commit, 'newest', `${lead}, so the newest record is the baseline`)
  }

  // Walk from the base when it is on HEAD's first-parent line (a merge ref's first parent is the
  // base), otherwise from HEAD: the base of a branch that was not merged yet is not on that line.
  const baseIndex = base ? ancestry.findIndex((sha) => sameCommit(sha, base)) : -1
  const start = baseIndex >= 0 ? baseIndex : 0
  for (let i = start; i < ancestry.length; i++) {
    const hits = at(ancestry[i])
    if (hits.length === 0) continue
    const sha = ancestry[i]
    const distance = i - start
    let reason: string
    if (base && baseIndex >= 0) {
      reason = `base commit ${short(base)} has no record; nearest first-parent ancestor ${short(sha)} (${plural(distance, 'commit')} before the base) has a record`
    } else if (base && distance === 0) {
      reason = `base commit ${short(base)} has no record and is not on HEAD's first-parent history; HEAD itself (${short(sha)}) has a record`
    } else if (base) {
      reason = `base commit ${short(base)} has no record and is not on HEAD's first-parent history; nearest first-parent ancestor ${short(sha)} (${plural(distance, 'commit')} before HEAD) has a record`
    } else if (distance === 0) {
      reason = `HEAD ${short(sha)} has a record`
    } else {
      reason = `nearest first-parent ancestor ${short(sha)} (${plural(distance, 'commit')} before HEAD) has a record`
    }
    return found(hits, hits[0].commit, 'ancestor', reason)
  }

  // Records exist but none is on the line that was read: the newest record of the series (history
  // is only written from the default branch, never from a pull request) is a weaker baseline than
  // an ancestor's, and the reason says why it was chosen, but it is better than no comparison.
  const searched = ancestry.length - start
  const from = base && baseIndex >= 0 ? `the base commit ${short(base)}` : 'HEAD'
  const newest = byTime(usable).at(-1)!
  const sameRun = newest.commit ? at(newest.commit) : [newest]
  const lead = `baseline: newest record of series ${newest.series}${newest.commit ? ` (commit ${short(newest.commit)})` : ''}`
  const why = input.shallow
    ? `the base commit's ancestry could not be read from this shallow clone (${plural(searched, 'commit')} of ${from}'s first-parent history read; fetch-depth: 0 reads it all)`
    : `${usable.length === 1 ? 'the only record is not' : `none of the ${usable.length} records is`} on ${from}'s first-parent history (${plural(searched, 'commit')} searched)`
  return found(sameRun, newest.commit, 'newest', `${lead}; ${why}${skippedNote}`)
}

/**
 * True while the ancestry read so far leads to no recorded commit although usable records exist:
 * a shallow checkout is then worth deepening before settling for the newest record.
 */
export function needsDeeperHistory(input: BaselineInput): boolean {
  const choice = selectBaseline(input)
  return choice.source === 'newest' && (input.ancestry?.length ?? 0) > 0
}

/**
 * Several usable records at the chosen commit (a matrix, a re-run, nightly records) are one
 * baseline measured several times: pooled, they give the statistics a mean and a spread instead
 * of one run judged against an assumed noise floor. Components are scaled so that the energy is
 * still their sum; the newest record lends everything else.
 */
export function poolBaselineRecords(all: readonly HistoryRecord[]): HistoryRecord | null {
  if (all.length === 0) return null
  const newest = all[all.length - 1]!
  // only runs of the same command on the newest one's basis (normalised or not), so the pooled
  // figures describe one piece of work measured several times
  const records = all.filter(
    (r) =>
      r.measurement.command === newest.measurement.command &&
      (r.normalization === null) === (newest.normalization === null)
  )
  if (records.length === 1) return newest
  const runs: RunSummary[] = records.flatMap((r) =>
    r.measurement.runs && r.measurement.runs.length > 0
      ? r.measurement.runs
      : [
          {
            exitCode: r.measurement.exitCode,
            signal: r.measurement.signal ?? null,
            durationS: r.measurement.durationS,
            energyJ: r.measurement.energyJ,
            netEnergyJ: r.measurement.netEnergyJ,
            interrupted: r.measurement.interrupted === true
          }
        ]
  )
  const repeat = computeRepeatStats(runs)
  const scale = newest.measurement.energyJ > 0 ? repeat.meanJ / newest.measurement.energyJ : 1
  const normalizations = records.map((r) => r.normalization)
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
  return {
    ...newest,
    measurement: {
      ...newest.measurement,
      energyJ: repeat.meanJ,
      durationS: repeat.meanDurationS,
      netEnergyJ:
        newest.measurement.idlePowerW === null
          ? null
          : repeat.meanJ - newest.measurement.idlePowerW * repeat.meanDurationS,
      components: newest.measurement.components.map((c) => ({ ...c, energyJ: c.energyJ * scale })),
      runs,
      repeat
    },
    normalization: newest.normalization
      ? {
          ...newest.normalization,
          normalizedEnergyJ: mean(normalizations.map((n) => n!.normalizedEnergyJ)),
          interval: [
            mean(normalizations.map((n) => n!.interval[0])),
            mean(normalizations.map((n) => n!.interval[1]))
          ]
        }
      : newest.normalization
  }
}
