// Files as they are at a commit that is not checked out: a pull request is judged by its base
// branch's budget, and the pull request's checkout is the one tree that cannot be trusted for it.
import { readFileAt, runGitRaw, type GitAt } from './git.js'

export { readFileAt }

/** Refs a user can name on the command line; anything else (a leading "-", spaces) is refused. */
const REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/^~@{}-]{0,199}$/
const FULL_SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/i

/** The repository's top folder containing `cwd`, or null outside a git repository. */
export async function readRepositoryRoot(at: GitAt): Promise<string | null> {
  const r = await runGitRaw(['rev-parse', '--show-toplevel'], { cwd: at.cwd, env: at.env }).catch(
    () => null
  )
  return r && r.code === 0 ? r.stdout.trim() : null
}

async function resolveLocal(at: GitAt, ref: string): Promise<string | null> {
  const r = await runGitRaw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    cwd: at.cwd,
    env: at.env
  })
  return r.code === 0 ? r.stdout.trim() : null
}

type CommitLookup = { sha: string; fetched: boolean } | { sha: null; problem: string }

/**
 * The full sha of `ref`, fetching that one commit from `origin` when the checkout lacks it:
 * actions/checkout clones a pull request's merge commit at depth 1, so its base is not there. The
 * fetch is bounded (depth 1, no tags) and uses whatever credentials the checkout persisted.
 */
export async function resolveCommit(at: GitAt, ref: string): Promise<CommitLookup> {
  if (!REF_PATTERN.test(ref))
    return { sha: null, problem: `${JSON.stringify(ref)} is not a commit or branch name` }
  const local = await resolveLocal(at, ref)
  if (local) return { sha: local, fetched: false }
  const fetch = await runGitRaw(['fetch', '--quiet', '--no-tags', '--depth=1', 'origin', ref], {
    cwd: at.cwd,
    env: at.env
  })
  if (fetch.code !== 0) {
    const why = fetch.stderr.trim().split('\n').at(-1) ?? `exit ${fetch.code}`
    return {
      sha: null,
      problem: `commit ${ref} is not in the checkout and fetching it failed (${why})`
    }
  }
  const sha = FULL_SHA.test(ref)
    ? await resolveLocal(at, ref)
    : await resolveLocal(at, 'FETCH_HEAD')
  return sha
    ? { sha, fetched: true }
    : { sha: null, problem: `commit ${ref} could not be read after fetching it from origin` }
}

/** How many tracked files differ from HEAD (staged or not); null outside a git repository. */
export async function countChangedFiles(at: GitAt): Promise<number | null> {
  const r = await runGitRaw(['status', '--porcelain', '-z', '--untracked-files=no'], {
    cwd: at.cwd,
    env: at.env
  }).catch(() => null)
  if (!r || r.code !== 0) return null
  // -z: entries end with NUL; a rename adds its old path as one more NUL-ended field
  const fields = r.stdout.split('\0').filter((f) => f !== '')
  return fields.filter((f) => /^[ MADRCUT?!]{2} /.test(f)).length
}
