// The first-parent history of HEAD in the workspace: the commits the current branch went through,
// newest first, which is where selectBaseline looks for the nearest recorded ancestor. A shallow
// checkout (actions/checkout fetches one commit by default) is deepened a few bounded rounds from
// origin until that history reaches a recorded commit, so a baseline needs no full clone.
import { needsDeeperHistory, type BaselineInput } from '../core/compare/baseline.js'
import { hideUserinfo, runGitRaw, type GitAt } from './git.js'

const DEFAULT_ANCESTRY_LIMIT = 500

export interface Ancestry {
  /** HEAD first, then its first parent, and so on; at most `limit` shas */
  shas: string[]
  /** a shallow checkout (actions/checkout's default fetch-depth: 1) ends the walk early */
  shallow: boolean
}

/**
 * Null when `at.cwd` is not inside a git repository, the repository has no commit yet, or git is not
 * installed: the baseline rule then falls back to the newest record and says so.
 */
export async function readFirstParentAncestry(
  at: GitAt,
  limit: number = DEFAULT_ANCESTRY_LIMIT,
  rev: string = 'HEAD'
): Promise<Ancestry | null> {
  let list
  try {
    list = await runGitRaw(
      ['rev-list', '--first-parent', `--max-count=${Math.max(1, Math.floor(limit))}`, rev, '--'],
      { cwd: at.cwd, env: at.env }
    )
  } catch {
    return null // git itself could not be started
  }
  if (list.code !== 0) {
    if (
      /not a git repository|unknown revision|ambiguous argument|bad revision|does not have any commits/i.test(
        list.stderr
      )
    ) {
      return null
    }
    throw new Error(`git rev-list --first-parent ${rev} failed in ${at.cwd}: ${list.stderr.trim()}`)
  }
  const shas = list.stdout
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  if (shas.length === 0) return null
  const shallow = await runGitRaw(['rev-parse', '--is-shallow-repository'], {
    cwd: at.cwd,
    env: at.env
  })
  return { shas, shallow: shallow.code === 0 && shallow.stdout.trim() === 'true' }
}

interface DeepenOptions {
  /** where the missing history is fetched from; default `origin` */
  remote?: string
  /** commits added per round (`git fetch --deepen`), at most one round each */
  rounds?: readonly number[]
  /** each fetch is stopped after this long */
  timeoutMs?: number
  log?: (line: string) => void
}

// 50 covers a busy week of merges; 1000 more is still a few megabytes of commits and trees.
const DEEPEN_ROUNDS = [50, 200, 1000]
const DEEPENED_LIMIT = 1 + DEEPEN_ROUNDS.reduce((a, b) => a + b, 0)

/**
 * HEAD's first-parent ancestry, deepened while the checkout is shallow and no commit read so far
 * has a usable record. It stops when a recorded commit appears, when the history is complete, when
 * a round adds nothing, or when a fetch fails (no credentials, no remote): the baseline rule then
 * falls back to the newest record and says so.
 */
export async function readAncestryForBaseline(
  at: GitAt,
  input: Pick<BaselineInput, 'records' | 'baseCommit'>,
  options: DeepenOptions = {}
): Promise<Ancestry | null> {
  const remote = options.remote ?? 'origin'
  let ancestry = await readFirstParentAncestry(at, DEEPENED_LIMIT)
  for (const depth of options.rounds ?? DEEPEN_ROUNDS) {
    if (!ancestry?.shallow) break
    if (!needsDeeperHistory({ ...input, ancestry: ancestry.shas, shallow: true })) break
    // The commit itself is wanted: it is what the walk starts from, whatever ref it came by.
    const fetch = await runGitRaw(
      ['fetch', '--quiet', '--no-tags', `--deepen=${depth}`, remote, ancestry.shas[0]],
      { cwd: at.cwd, env: at.env, timeoutMs: options.timeoutMs ?? 60_000 }
    )
    if (fetch.code !== 0) {
      const why = fetch.timedOut
        ? `stopped after ${Math.round((options.timeoutMs ?? 60_000) / 1000)} s`
        : hideUserinfo(fetch.stderr.trim().split('\n').at(-1) ?? '')
      options.log?.(`joulegate: could not deepen the shallow checkout from ${remote}: ${why}`)
      break
    }
    const before = ancestry.shas.length
    ancestry = await readFirstParentAncestry(at, DEEPENED_LIMIT)
    options.log?.(
      `joulegate: deepened the shallow checkout by ${depth} commits to look for a recorded ancestor (${ancestry?.shas.length ?? 0} first-parent commits read)`
    )
    if ((ancestry?.shas.length ?? 0) <= before) break
  }
  return ancestry
}
