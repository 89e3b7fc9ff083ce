// History on a branch of the workspace's remote (default `joulegate-data` of `origin`). All work
// happens in a private bare repository under the temp folder with git plumbing, so the user's
// checkout, index and refs are never touched. A write fetches the branch tip, builds one commit
// on it, and pushes without force; when another writer got there first, it fetches the new tip
// and applies the same change again (bounded, with jittered backoff). Nothing is ever rewritten.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { DATA_BRANCH_README, appendLine } from '../../core/history/history.js'
import { INPUTS, parseDataBranch } from '../../core/settings.js'
import { GITHUB_ACTIONS_BOT } from '../../core/github-bot.js'
import {
  type GitIdentity,
  hideUserinfo,
  readFileAt,
  redact,
  requireEnvironmentConfig,
  resolveRemoteUrl,
  runGit,
  runGitRaw,
  validateIdentity,
  writeCommit
} from '../git.js'
import {
  Store,
  type FileChanges,
  type StoreBackend,
  type StoreFiles,
  type StoreOptions
} from './store.js'
import type { EnvVars } from '../../core/types.js'

export interface GitDataBranchOptions extends StoreOptions {
  /** a directory inside the workspace repository (used to resolve the remote) */
  cwd: string
  /** the variables git starts with, as the shell read them (HOME, PATH, GIT_*) */
  env: EnvVars
  /** remote name in the workspace, or a URL / path; default `origin` */
  remote?: string
  branch?: string
  identity?: GitIdentity
  /**
   * value for `http.extraheader` on fetch and push only, e.g. `AUTHORIZATION: basic ...`; passed
   * in git's environment, never on its command line or in a config file
   */
  authHeader?: string | null
  /** push attempts before giving up; default 8 (n writers racing need at most n) */
  maxAttempts?: number
  /** retry delay cap in ms, doubled each attempt up to 8 s; each delay is uniform in [0, cap]; default 400 */
  backoffMs?: number
  /** where the private repository is created; default the OS temp folder */
  tmpRoot?: string
  /** told about each rejected push that will be retried (the action logs it) */
  onRetry?: (attempt: number, reason: string) => void
}

/** The data branch cannot be read or written; the message says which remote, branch and step. */
export class DataBranchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'DataBranchError'
  }
}

// Push failures that mean "someone else moved the branch": worth fetching and trying again.
const RACE_PATTERN =
  /\[rejected\]|non-fast-forward|fetch first|cannot lock ref|failed to update ref|incorrect old value/i

class GitBranchBackend implements StoreBackend {
  readonly description: string
  private readonly branch: string
  private readonly identity: GitIdentity
  private readonly maxAttempts: number
  private readonly backoffMs: number
  private readonly secrets: string[]
  private repo: string | null = null
  private url: string | null = null
  private fetched = false
  /** the remote tip at the last fetch (or our last push); null while the branch does not exist */
  private tip: string | null = null

  constructor(private readonly options: GitDataBranchOptions) {
    this.branch = parseDataBranch(INPUTS.dataBranch, options.branch ?? null)
    this.identity = validateIdentity(options.identity ?? GITHUB_ACTIONS_BOT)
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 8)
    this.backoffMs = options.backoffMs ?? 400
    const header = options.authHeader ?? ''
    this.secrets = header ? [header, header.split(/\s+/).at(-1) ?? header] : []
    this.description = `branch ${this.branch} of ${options.remote ?? 'origin'}`
  }

  locate(file: string): string {
    return `${this.branch}:${file}`
  }

  async read(file: string): Promise<string | null> {
    await this.ensureFetched()
    return this.readAtTip(file)
  }

  async list(dir: string): Promise<string[]> {
    await this.ensureFetched()
    return this.listAtTip(dir)
  }

  async close(): Promise<void> {
    if (this.repo) await rm(this.repo, { recursive: true, force: true })
    this.repo = null
    this.fetched = false
  }

  // --- plumbing -------------------------------------------------------------------------------

  private git(args: string[]): Promise<string> {
    if (!this.repo) throw new DataBranchError('the data-branch store was closed')
    return runGit(args, { cwd: this.repo, env: this.options.env, secrets: this.secrets })
  }

  /** Only fetch and push carry the auth header, in git's environment: never in argv or a config file. */
  private networkConfig(): Record<string, string> {
    return this.options.authHeader ? { 'http.extraheader': this.options.authHeader } : {}
  }

  private where(): string {
    return `branch ${this.branch} of ${hideUserinfo(this.url ?? this.options.remote ?? 'origin')}`
  }

  private async ensureRepo(): Promise<string> {
    if (this.repo) return this.repo
    const remote = this.options.remote ?? 'origin'
    try {
      this.url = await resolveRemoteUrl({ cwd: this.options.cwd, env: this.options.env }, remote)
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err)
      throw new DataBranchError(
        `the data-branch store needs the git remote "${remote}" in ${this.options.cwd}: ${detail}`,
        {
          cause: err
        }
      )
    }
    if (this.options.authHeader) {
      try {
        await requireEnvironmentConfig(this.options.env)
      } catch (err) {
        throw new DataBranchError(`cannot reach ${this.where()}: ${(err as Error).message}`, {
          cause: err
        })
      }
    }
    const repo = await mkdtemp(path.join(this.options.tmpRoot ?? os.tmpdir(), 'joulegate-data-'))
    await runGit(['init', '--bare', '--quiet', repo], { cwd: repo, env: this.options.env })
    this.repo = repo
    return repo
  }

  private async ensureFetched(): Promise<void> {
    if (!this.fetched) await this.fetch()
  }

  private async fetch(): Promise<void> {
    const repo = await this.ensureRepo()
    // Only the tip is needed to read files and to build the next commit on it.
    const args = [
      'fetch',
      '--quiet',
      '--no-tags',
      '--depth=1',
      this.url!,
      `refs/heads/${this.branch}`
    ]
    const result = await runGitRaw(args, {
      cwd: repo,
      env: this.options.env,
      config: this.networkConfig()
    })
    if (result.code !== 0) {
      if (/couldn't find remote ref/i.test(result.stderr)) {
        this.tip = null
        this.fetched = true
        return
      }
      throw new DataBranchError(
        `could not fetch ${this.where()}: ${redact(result.stderr.trim(), this.secrets)}`
      )
    }
    // FETCH_HEAD names the fetched tip: reading it saves a git process per attempt.
    const head = /^([0-9a-f]{40,64})\s/.exec(await readFile(path.join(repo, 'FETCH_HEAD'), 'utf8'))
    if (!head) throw new DataBranchError(`could not fetch ${this.where()}: no tip in FETCH_HEAD`)
    this.tip = head[1]
    this.fetched = true
  }

  /**
   * The fetched tip's files for one write being built on it, each read once: the change, the
   * dashboard drawn with it and the append all read the same history file, and each read is a git
   * process.
   */
  private filesAtTip(): StoreFiles {
    const reads = new Map<string, Promise<string | null>>()
    return {
      read: (file) => {
        if (!reads.has(file)) reads.set(file, this.readAtTip(file))
        return reads.get(file)!
      },
      list: (dir) => this.listAtTip(dir)
    }
  }

  private async readAtTip(file: string): Promise<string | null> {
    return this.tip ? readFileAt({ cwd: this.repo!, env: this.options.env }, this.tip, file) : null
  }

  /** file names directly inside `dir` at the tip */
  private async listAtTip(dir: string): Promise<string[]> {
    if (!this.tip) return []
    const out = await this.git(['ls-tree', '--name-only', this.tip, `${dir}/`])
    return out
      .split('\n')
      .map((n) => n.trim())
      .filter((n) => n.startsWith(`${dir}/`))
      .map((n) => n.slice(dir.length + 1))
  }

  /** One commit on the fetched tip, pushed without force; rebuilt on a new tip when another writer won. */
  async update(
    _scope: string,
    message: string,
    compute: (files: StoreFiles) => Promise<FileChanges>
  ): Promise<void> {
    let lastError = ''
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      // Fetch right before building: a tip fetched before the backoff sleep would be stale again.
      await this.fetch()
      const parent = this.tip
      const atTip = this.filesAtTip()
      const changes = await compute(atTip)
      const files: Record<string, string> = parent ? {} : { 'README.md': DATA_BRANCH_README }
      Object.assign(files, changes.replace)
      for (const [file, line] of Object.entries(changes.append))
        files[file] = appendLine((await atTip.read(file)) ?? '', line)
      const commit = await writeCommit(
        { cwd: this.repo!, env: this.options.env },
        {
          parent,
          files,
          message,
          identity: this.identity
        }
      )
      const push = ['push', '--porcelain', this.url!, `${commit}:refs/heads/${this.branch}`]
      const result = await runGitRaw(push, {
        cwd: this.repo!,
        env: this.options.env,
        config: this.networkConfig()
      })
      if (result.code === 0) {
        this.tip = commit
        return
      }
      lastError = redact(`${result.stderr.trim()} ${result.stdout.trim()}`.trim(), this.secrets)
      if (!RACE_PATTERN.test(lastError)) {
        // Not a message we know as a race: it was one only if the branch moved meanwhile.
        await this.fetch()
        if (this.tip === parent)
          throw new DataBranchError(`could not push to ${this.where()}: ${lastError}`)
      }
      if (attempt < this.maxAttempts) {
        this.options.onRetry?.(attempt, lastError)
        // "Full jitter": spreading writers over the whole window separates them best.
        await sleep(Math.random() * Math.min(8000, this.backoffMs * 2 ** (attempt - 1)))
      }
    }
    throw new DataBranchError(
      `could not push to ${this.where()} after ${this.maxAttempts} attempts: other writers kept moving the branch (last error: ${lastError})`
    )
  }
}

/** The store on the data branch; nothing is fetched before the first read or write. */
export function openDataBranchStore(options: GitDataBranchOptions): Store {
  return new Store(new GitBranchBackend(options), options)
}
