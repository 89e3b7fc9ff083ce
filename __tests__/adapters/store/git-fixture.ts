// Real git in temp folders, with no identity configured anywhere: HOME points at an empty folder
// and system config is off, so a store that forgot to set its own identity fails these tests.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const ISOLATION = [
  'HOME',
  'XDG_CONFIG_HOME',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_CONFIG_GLOBAL',
  'GIT_CEILING_DIRECTORIES'
] as const
const IDENTITY = [
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'EMAIL'
] as const

export interface Sandbox {
  root: string
  restore(): void
}

export function openSandbox(): Sandbox {
  const root = mkdtempSync(path.join(os.tmpdir(), 'joulegate-store-test-'))
  const saved = new Map<string, string | undefined>()
  for (const k of [...ISOLATION, ...IDENTITY]) saved.set(k, process.env[k])
  const home = path.join(root, 'home')
  mkdirSync(home)
  process.env.HOME = home
  process.env.XDG_CONFIG_HOME = path.join(home, '.config')
  process.env.GIT_CONFIG_NOSYSTEM = '1'
  delete process.env.GIT_CONFIG_GLOBAL
  process.env.GIT_CEILING_DIRECTORIES = root
  for (const k of IDENTITY) delete process.env[k]
  return {
    root,
    restore() {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
      rmSync(root, { recursive: true, force: true })
    }
  }
}

/** git for test setup only: it names its own identity explicitly. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    [
      '-c',
      'user.name=Test',
      '-c',
      'user.email=test@example.com',
      '-c',
      'init.defaultBranch=main',
      ...args
    ],
    {
      cwd,
      env: process.env, // jest gives tests their own copy of the environment: pass it on explicitly
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe']
    }
  ).trim()
}

export function commitFile(
  repo: string,
  file: string,
  content: string,
  message = `edit ${file}`
): string {
  writeFileSync(path.join(repo, file), content)
  git(repo, 'add', file)
  git(repo, 'commit', '-q', '-m', message)
  return git(repo, 'rev-parse', 'HEAD')
}

/** A bare origin and a workspace clone of it with one commit on main; origin is a relative path. */
export function makeWorkspace(root: string, name = 'ws'): { origin: string; workspace: string } {
  const origin = path.join(root, `${name}-origin.git`)
  const workspace = path.join(root, name)
  git(root, 'init', '-q', '--bare', origin)
  git(root, 'init', '-q', workspace)
  commitFile(workspace, 'train.py', 'print(1)\n', 'first')
  git(workspace, 'remote', 'add', 'origin', `../${name}-origin.git`)
  git(workspace, 'push', '-q', 'origin', 'main')
  return { origin, workspace }
}
