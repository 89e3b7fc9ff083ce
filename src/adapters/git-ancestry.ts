// The first-parent history of HEAD in the workspace: the commits the current branch went through,
// newest first, which is where selectBaseline looks for the nearest recorded ancestor.
import { runGitRaw } from './git.js'

export const DEFAULT_ANCESTRY_LIMIT = 500

export interface Ancestry {
  /** HEAD first, then its first parent, and so on; at most `limit` shas */
  shas: string[]
  /** a shallow checkout (actions/checkout's default fetch-depth: 1) ends the walk early */
  shallow: boolean
}

/**
 * Null when `cwd` is not inside a git repository, the repository has no commit yet, or git is not
 * installed: the baseline rule then falls back to the newest record and says so.
 */
export async function readFirstParentAncestry(
  cwd: string,
  limit: number = DEFAULT_ANCESTRY_LIMIT,
  rev: string = 'HEAD'
): Promise<Ancestry | null> {
  let list
  try {
    list = await runGitRaw(
      ['rev-list', '--first-parent', `--max-count=${Math.max(1, Math.floor(limit))}`, rev, '--'],
      { cwd }
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
    throw new Error(`git rev-list --first-parent ${rev} failed in ${cwd}: ${list.stderr.trim()}`)
  }
  const shas = list.stdout
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  if (shas.length === 0) return null
  const shallow = await runGitRaw(['rev-parse', '--is-shallow-repository'], { cwd })
  return { shas, shallow: shallow.code === 0 && shallow.stdout.trim() === 'true' }
}
