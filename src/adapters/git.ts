// Runs the real git executable. Output is collected without a size cap (history files grow), the
// locale is fixed so messages can be recognised, and git never stops to ask for a password.
import { readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { UsageError, describeBadValue } from '../core/errors.js'
import type { EnvVars } from '../core/types.js'
import { runProcess } from './process.js'

/** a folder git runs in, with the variables it starts with (passed down from the shell) */
export interface GitAt {
  cwd: string
  env: EnvVars
}

interface GitOptions {
  cwd: string
  /** the variables git starts with, as the shell read them (HOME, PATH, GIT_*) */
  env: EnvVars
  /** written to git's stdin */
  input?: string | Buffer
  /**
   * settings for this command only, passed in the environment (GIT_CONFIG_COUNT, git 2.31+): the
   * command line of every process is readable by any local user in `ps`, its environment is not,
   * and nothing is written to a config file
   */
  config?: Record<string, string>
  /** substrings to hide in error messages (tokens) */
  secrets?: readonly string[]
  /** stop git (SIGTERM to its group, SIGKILL a second later) after this long; the result then has code 124 and timedOut */
  timeoutMs?: number
}

interface GitResult {
  /** stdout as bytes, for output that mixes headers and file contents (cat-file --batch) */
  raw: Buffer
  stdout: string
  stderr: string
  code: number
  timedOut?: boolean
}

class GitError extends Error {
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly stderr: string,
    readonly code: number | null
  ) {
    super(message)
    this.name = 'GitError'
  }
}

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text
  for (const s of secrets) if (s) out = out.split(s).join('***')
  return out
}

/**
 * GIT_CONFIG_COUNT / GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n for `config`, after any entries the
 * environment already holds (a runner or a wrapper may pass its own settings the same way).
 */
function configEnvironment(config: Record<string, string>, env: EnvVars): Record<string, string> {
  const entries = Object.entries(config)
  if (entries.length === 0) return {}
  const held = env['GIT_CONFIG_COUNT'] ?? ''
  const start = /^\d+$/.test(held) ? Number(held) : 0
  const out: Record<string, string> = { GIT_CONFIG_COUNT: String(start + entries.length) }
  entries.forEach(([key, value], i) => {
    out[`GIT_CONFIG_KEY_${start + i}`] = key
    out[`GIT_CONFIG_VALUE_${start + i}`] = value
  })
  return out
}

/**
 * Runs git and resolves with its output whatever the exit status (callers decide what a failure
 * means); rejects only when git cannot be started. Git runs in its own process group, so that a
 * timeout also ends the ssh or git-remote-https it started.
 */
export async function runGitRaw(args: readonly string[], options: GitOptions): Promise<GitResult> {
  const base = { ...options.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' }
  const r = await runProcess('git', args, {
    cwd: options.cwd,
    env: { ...base, ...configEnvironment(options.config ?? {}, base) },
    // a command that does not read stdin may close it early; that is not an error
    input: options.input ?? '',
    timeoutMs: options.timeoutMs,
    // what git leaves running may outlive it on purpose (a credential cache daemon, gc --auto)
    killLeftovers: false
  })
  if (r.error && r.code === null && r.signal === null && !r.timedOut) {
    const hint = r.error.code === 'ENOENT' ? ' (is git installed and on PATH?)' : ''
    throw new GitError(`git ${args[0]}: ${r.error.message}${hint}`, args, '', null)
  }
  return {
    raw: r.stdout,
    stdout: r.stdout.toString('utf8'),
    stderr: r.stderr,
    code: r.timedOut ? 124 : (r.code ?? 1),
    ...(r.timedOut ? { timedOut: true } : {})
  }
}

/** Runs git and throws a GitError naming the command (secrets hidden) when it exits non-zero. */
export async function runGit(args: readonly string[], options: GitOptions): Promise<string> {
  const result = await runGitRaw(args, options)
  if (result.code !== 0) {
    const secrets = [
      ...(options.secrets ?? []),
      ...Object.values(options.config ?? {}).filter((v) => /authorization/i.test(v))
    ]
    const shown = redact(`git ${args.join(' ')}`, secrets)
    const detail = redact(result.stderr.trim() || result.stdout.trim(), secrets)
    throw new GitError(
      `${shown} failed (exit ${result.code}): ${detail}`,
      args,
      redact(result.stderr, secrets),
      result.code
    )
  }
  return result.stdout
}

export interface GitIdentity {
  name: string
  email: string
}

/** Git refuses names and emails with angle brackets or newlines; say so before writing anything. */
export function validateIdentity(identity: GitIdentity): GitIdentity {
  for (const [key, value] of Object.entries(identity)) {
    if (value.trim() === '' || /[<>\n]/.test(value)) {
      throw new UsageError(
        describeBadValue(
          `commit identity ${key}`,
          value,
          'a non-empty value without "<", ">" or newlines'
        )
      )
    }
  }
  return identity
}

/** A file's text at a commit, or null when the commit has no such file. */
export async function readFileAt(at: GitAt, commit: string, file: string): Promise<string | null> {
  // --batch answers "<name> missing" instead of failing, so absence needs no error parsing.
  const { raw, stderr } = await runGitRaw(['cat-file', '--batch'], {
    cwd: at.cwd,
    env: at.env,
    input: `${commit}:${file}\n`
  })
  const eol = raw.indexOf(0x0a)
  const header = raw.subarray(0, eol < 0 ? raw.length : eol).toString('utf8')
  const m = /^[0-9a-f]+ blob (\d+)$/.exec(header)
  if (m) return raw.subarray(eol + 1, eol + 1 + Number(m[1])).toString('utf8')
  if (/ missing$/.test(header)) return null
  throw new GitError(
    `git cat-file could not read ${file} at ${commit}: ${header || stderr.trim()}`,
    ['cat-file'],
    stderr,
    null
  )
}

interface CommitSpec {
  /** null makes a root commit */
  parent: string | null
  /** path -> full new content; other files are kept from the parent */
  files: Record<string, string>
  message: string
  identity: GitIdentity
}

/**
 * Writes one commit into `repo` without a work tree or index, in one git process (fast-import),
 * and returns its sha. It moves only the private scratch ref refs/joulegate/pending.
 */
export async function writeCommit(at: GitAt, spec: CommitSpec): Promise<string> {
  const marks = path.join(
    at.cwd,
    `joulegate-marks-${process.pid}-${Math.random().toString(36).slice(2)}`
  )
  const data = (text: string): Buffer[] => {
    const bytes = Buffer.from(text, 'utf8')
    return [Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n')]
  }
  const { name, email } = spec.identity
  const stream: Buffer[] = [
    Buffer.from(
      `commit refs/joulegate/pending\nmark :1\ncommitter ${name} <${email}> ${Math.floor(Date.now() / 1000)} +0000\n`
    ),
    ...data(spec.message),
    Buffer.from(spec.parent ? `from ${spec.parent}\n` : ''),
    ...Object.entries(spec.files).flatMap(([file, content]) => [
      Buffer.from(`M 100644 inline ${file}\n`),
      ...data(content)
    ]),
    Buffer.from('done\n')
  ]
  try {
    // --force concerns only the private scratch ref; pushes to a remote never force.
    await runGit(['fast-import', '--quiet', '--force', '--done', `--export-marks=${marks}`], {
      cwd: at.cwd,
      env: at.env,
      input: Buffer.concat(stream)
    })
    const mark = /^:1 ([0-9a-f]{40,64})$/m.exec(await readFile(marks, 'utf8'))
    if (!mark)
      throw new GitError('git fast-import did not report the new commit', ['fast-import'], '', null)
    return mark[1]
  } finally {
    await rm(marks, { force: true })
  }
}

const looksLikeUrlOrPath = (s: string): boolean =>
  /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /^[^/\\]+@[^/\\]+:/.test(s) || path.isAbsolute(s)

/** Hides credentials written into a URL (https://user:token@host/...) before it is shown. */
export const hideUserinfo = (url: string): string => url.replace(/\/\/[^/@]*@/, '//***@')

/**
 * The URL of `remote` (a remote name in the repository at `cwd`, or already a URL or path). A
 * relative path remote (../origin.git) is relative to the workspace, so it is made absolute.
 */
export async function resolveRemoteUrl(at: GitAt, remote: string): Promise<string> {
  const url = looksLikeUrlOrPath(remote)
    ? remote
    : (await runGit(['remote', 'get-url', remote], { cwd: at.cwd, env: at.env })).trim()
  return looksLikeUrlOrPath(url) ? url : path.resolve(at.cwd, url)
}

/**
 * The Authorization header actions/checkout persisted for the workspace's remote
 * (`http.https://github.com/.extraheader`), or null. The data branch is fetched and pushed from a
 * private repository that does not read the workspace's config, so the header is passed on.
 */
export async function readPersistedAuthHeader(at: GitAt): Promise<string | null> {
  const r = await runGitRaw(['config', '--get-regexp', '^http\\..*\\.extraheader$'], {
    cwd: at.cwd,
    env: at.env
  }).catch(() => null)
  if (!r || r.code !== 0) return null
  const line = r.stdout.split('\n').find((l) => /\bauthorization:/i.test(l))
  return line ? line.slice(line.indexOf(' ') + 1).trim() : null
}

/** The header a token gives for HTTPS git on GitHub (and GitHub Enterprise Server). */
export function tokenAuthHeader(token: string): string {
  return `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`
}

let installedVersion: Promise<string> | null = null

/**
 * Fails unless the installed git is at least 2.31, the first that reads settings from the
 * environment: an older git would ignore the credentials silently and fail with a confusing
 * "could not read Username" instead.
 */
export async function requireEnvironmentConfig(env: EnvVars): Promise<void> {
  installedVersion ??= runGit(['version'], { cwd: process.cwd(), env }).then((v) => v.trim())
  const version = await installedVersion
  const m = /(\d+)\.(\d+)/.exec(version)
  if (m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 31))) return
  throw new GitError(
    `${version || 'git'} is too old: git 2.31 or newer is needed to pass the token without showing it in the process list`,
    ['version'],
    '',
    null
  )
}
