// Where the budget comes from. A pull request's checkout is the change being judged: it may delete
// or loosen the budget, so a pull request is judged with the budget file of its BASE commit, read
// from git, and the change it proposes is shown as what applies after merge.
import { readFile, realpath } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { readFileAt, readRepositoryRoot, resolveCommit } from '../adapters/git-show.js'
import type { GitAt } from '../adapters/git.js'
import type { EnvVars } from '../core/types.js'
import { EMPTY_BUDGET, type Budget } from '../core/judge/budget/budget-schema.js'
import { parseBudget } from '../core/judge/budget/parse-budget.js'
import { UsageError } from '../core/errors.js'
import { describeBudgetChange } from '../core/report/budget-change.js'
import { DEFAULTS, type Settings } from '../core/settings.js'

export interface BudgetChoice {
  budget: Budget
  notes: string[]
  /** why no trusted budget could be read: the verdict cannot pass, and says this */
  problem: string | null
}

const candidates = (settings: Settings, dirs: string[]): string[] => [
  ...new Set(dirs.map((d) => resolve(d, settings.budgetFile)))
]

async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new UsageError(
      `budget-file: cannot read ${JSON.stringify(path)} (${(error as Error).message}); expected a YAML budget file`
    )
  }
}

/** The first budget file found on disk from `dirs` (in order), or null; a broken one is an error. */
export async function findBudgetFile(settings: Settings, dirs: string[]): Promise<Budget | null> {
  for (const path of candidates(settings, dirs)) {
    const text = await readIfPresent(path)
    if (text !== null) return parseBudget(text, settings.budgetFile)
  }
  return null
}

const missingBudget = (settings: Settings, tried: string[]): BudgetChoice => {
  if (settings.budgetFile === DEFAULTS.budgetFile) {
    return {
      budget: EMPTY_BUDGET,
      notes: [
        `no budget file at ${settings.budgetFile}: only the run's figures are reported, no rule is checked`
      ],
      problem: null
    }
  }
  throw new UsageError(
    `budget-file: ${JSON.stringify(settings.budgetFile)} not found (looked in ${tried.join(', ')}); expected a YAML budget file`
  )
}

/**
 * The budget file on disk, looked up from the command's directory and then the repository root. The
 * default path may be absent (no rules); a path the user named may not.
 */
export async function loadBudget(
  settings: Settings,
  ...dirs: string[]
): Promise<{ budget: Budget; note: string | null }> {
  const found = await findBudgetFile(settings, dirs)
  if (found) return { budget: found, note: null }
  return {
    budget: EMPTY_BUDGET,
    note: missingBudget(settings, candidates(settings, dirs)).notes[0]!
  }
}

/** The budget at `sha`, same lookup order; a path outside the repository is read from disk. */
async function readBudgetAt(
  settings: Settings,
  dirs: string[],
  top: GitAt,
  sha: string,
  source: string
): Promise<Budget | null> {
  for (const path of candidates(settings, dirs)) {
    const rel = relative(top.cwd, path)
    const text =
      rel.startsWith('..') || isAbsolute(rel)
        ? await readIfPresent(path)
        : await readFileAt(top, sha, rel.split(sep).join('/'))
    if (text !== null) return parseBudget(text, source)
  }
  return null
}

/** The pull request's own budget, only to describe what it would change after merge. */
async function readHeadBudget(
  settings: Settings,
  dirs: string[]
): Promise<{ budget: Budget | null; error: string | null }> {
  try {
    return { budget: await findBudgetFile(settings, dirs), error: null }
  } catch (error) {
    return { budget: null, error: (error as Error).message }
  }
}

interface BaseBudgetRequest {
  /** where the command runs; the budget next to it wins */
  cwd: string
  /** the repository root of the checkout */
  root: string
  /** the pull request's base commit (or, in the CLI, `--base REF`) */
  base: string
  /** the variables git starts with */
  env: EnvVars
}

export async function loadBaseBudget(
  settings: Settings,
  req: BaseBudgetRequest
): Promise<BudgetChoice & { baseSha: string | null }> {
  const untrusted = (why: string): BudgetChoice & { baseSha: null } => ({
    budget: EMPTY_BUDGET,
    notes: [],
    problem: `the base commit's budget could not be read: ${why}`,
    baseSha: null
  })
  const topDir = await readRepositoryRoot({ cwd: req.cwd, env: req.env })
  if (topDir === null) return untrusted(`${req.cwd} is not inside a git repository`)
  const top = { cwd: topDir, env: req.env }
  const lookup = await resolveCommit(top, req.base)
  if (lookup.sha === null) return untrusted(lookup.problem)
  const sha = lookup.sha
  const short = sha.slice(0, 7)
  // git names the top folder by its real path; resolve the others the same way before comparing
  const dirs = await Promise.all([req.cwd, req.root].map((d) => realpath(d).catch(() => d)))
  const base = await readBudgetAt(
    settings,
    dirs,
    top,
    sha,
    `${settings.budgetFile} at base ${short}`
  )
  const head = await readHeadBudget(settings, dirs)
  const file = settings.budgetFile
  const after = 'applies after merge'
  if (base) {
    const change = head.error
      ? `its budget file does not parse (${head.error})`
      : head.budget === null
        ? `it deletes ${file}`
        : describeBudgetChange(base, head.budget)
    const notes = change
      ? [
          `This pull request changes the budget: ${change}. The new budget ${after}; this run is judged with the base commit's budget (${short}).`
        ]
      : []
    return { budget: base, notes, problem: null, baseSha: sha }
  }
  if (head.budget || head.error) {
    const what = head.error ? `a budget file that does not parse (${head.error})` : file
    return {
      budget: { ...EMPTY_BUDGET, source: `none at base ${short}` },
      notes: [
        `The base commit ${short} has no budget file; this pull request adds ${what}, which ${after}. This run is judged with the base's empty budget: no rule is checked.`
      ],
      problem: null,
      baseSha: sha
    }
  }
  return { ...missingBudget(settings, candidates(settings, dirs)), baseSha: sha }
}
