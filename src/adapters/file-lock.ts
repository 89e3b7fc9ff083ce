// A lock file for the folder store: records can be far larger than one atomic write (progress
// lists), so concurrent local writers (two terminals, a parallel test run) take turns instead of
// relying on O_APPEND. Creation with O_EXCL is atomic on local file systems.
import { open, stat, unlink } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'

export interface LockOptions {
  /** give up after this long (ms) */
  timeoutMs?: number
  /** a lock older than this (ms) is taken to be left by a crashed process and removed */
  staleMs?: number
}

const isCode = (err: unknown, code: string): boolean =>
  (err as NodeJS.ErrnoException | null)?.code === code

async function tryRemoveStale(lockPath: string, staleMs: number): Promise<void> {
  try {
    const s = await stat(lockPath)
    if (Date.now() - s.mtimeMs > staleMs) await unlink(lockPath)
  } catch (err) {
    if (!isCode(err, 'ENOENT')) throw err
  }
}

export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: LockOptions = {}
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000
  const staleMs = options.staleMs ?? 60_000
  const deadline = Date.now() + timeoutMs
  let waitMs = 5
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx')
      try {
        await handle.writeFile(`${process.pid} ${new Date().toISOString()}\n`)
      } finally {
        await handle.close()
      }
      break
    } catch (err) {
      if (!isCode(err, 'EEXIST')) throw err
      if (Date.now() > deadline) {
        throw new Error(
          `could not lock ${lockPath} within ${timeoutMs} ms: another joulegate is writing (delete the file if none is running)`,
          { cause: err }
        )
      }
      await tryRemoveStale(lockPath, staleMs)
      await sleep(waitMs * (0.5 + Math.random()))
      waitMs = Math.min(waitMs * 2, 200)
    }
  }
  try {
    return await fn()
  } finally {
    await unlink(lockPath).catch(() => undefined)
  }
}
