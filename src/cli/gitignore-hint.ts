// A history folder created inside a repository would be committed with the next `git add -A`:
// measurements, host fingerprints and locks in the project's history. When joulegate creates it
// and git does not ignore it, the user is told once (the folder exists from then on).
import { existsSync } from 'node:fs'
import path from 'node:path'
import { runGitRaw } from '../adapters/git.js'
import { readEnv } from './env.js'

/** Call before the command; the returned function, after it, says what to add to .gitignore. */
export function watchNewFolder(dir: string, cwd: string, log: (line: string) => void) {
  const full = path.resolve(cwd, dir)
  const existed = existsSync(full)
  return async (): Promise<void> => {
    if (existed || !existsSync(full)) return
    // exit 0: ignored; 1: not ignored; 128: not inside a repository (or git cannot tell)
    const result = await runGitRaw(['check-ignore', '-q', '--', full], {
      cwd,
      env: readEnv().vars,
      timeoutMs: 5000
    }).catch(() => null)
    if (result?.code !== 1) return
    const shown = `${path.relative(cwd, full) || '.'}/`
    log(
      `joulegate: created ${shown} inside a git repository; add it to .gitignore so that its measurements and locks are not committed: echo '${shown}' >> .gitignore`
    )
  }
}
