// A lock file for the folder store: records can be far larger than one atomic write (progress
// lists), so concurrent local writers (two terminals, a parallel test run) take turns instead of
// relying on O_APPEND. Creation with O_EXCL is atomic on local file systems. The lock names its
// owner (pid, host, time) so that one left by a killed writer is recognised and broken at once
// instead of costing the next run its record.
import { hostname } from 'node:os'
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'

interface LockOptions {
  /** give up after this long (ms) */
  timeoutMs?: number
  /**
   * a lock older than this (ms) is taken to be left by a crashed process and broken; an append
   * holds the lock for milliseconds, so this is well under the timeout
   */
  staleMs?: number
  /** told when a stale lock is broken, in words */
  onNote?: (note: string) => void
}

interface Owner {
  pid: number
  host: string
  createdAt: string
}

const isCode = (err: unknown, code: string): boolean =>
  (err as NodeJS.ErrnoException | null)?.code === code

function parseOwner(text: string): Owner | null {
  try {
    const o = JSON.parse(text) as Partial<Owner>
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.createdAt === 'string')
      return o as Owner
  } catch {
    // an older joulegate wrote "PID TIME"; a torn write leaves nothing readable
  }
  const m = /^(\d+) (\S+)/.exec(text)
  return m ? { pid: Number(m[1]), host: '', createdAt: m[2]! } : null
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return isCode(err, 'EPERM') // alive, owned by another user
  }
}

/** Why the lock holding `text` is stale, or null while its owner may still be writing. */
function staleReason(text: string, mtimeMs: number, staleMs: number): string | null {
  const owner = parseOwner(text)
  if (owner?.host === hostname() && owner.pid !== process.pid && !isAlive(owner.pid))
    return `its owner, process ${owner.pid} on this host, is no longer running`
  // the time it names, else (an older, empty or torn lock file) the time it was last written
  const taken = owner ? Date.parse(owner.createdAt) : NaN
  const age = Date.now() - (Number.isFinite(taken) ? taken : mtimeMs)
  if (age <= staleMs) return null
  const by = owner ? ` by process ${owner.pid}${owner.host ? ` on ${owner.host}` : ''}` : ''
  return `it was taken ${Math.round(age / 1000)} s ago${by}, longer than any write holds it`
}

/**
 * Breaks a stale lock: it is moved aside first, so of two waiters only one breaks it, and a lock
 * taken afresh in between is put back rather than removed.
 */
async function breakIfStale(
  lockPath: string,
  staleMs: number,
  onNote: (note: string) => void
): Promise<void> {
  let text: string
  let mtimeMs: number
  try {
    mtimeMs = (await stat(lockPath)).mtimeMs
    text = await readFile(lockPath, 'utf8')
  } catch (err) {
    if (isCode(err, 'ENOENT')) return
    throw err
  }
  // a lock file created a moment ago may not hold its owner yet: then it goes by its age
  const reason = staleReason(text, mtimeMs, staleMs)
  if (reason === null) return
  const aside = `${lockPath}.${process.pid}.${Date.now()}.stale`
  try {
    await rename(lockPath, aside)
  } catch (err) {
    if (isCode(err, 'ENOENT')) return
    throw err
  }
  if ((await readFile(aside, 'utf8')) !== text) {
    await link(aside, lockPath).catch(() => undefined)
  } else {
    onNote(`broke the stale lock ${lockPath}: ${reason}`)
  }
  await unlink(aside).catch(() => undefined)
}

export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: LockOptions = {}
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000
  const staleMs = options.staleMs ?? 10_000
  const deadline = Date.now() + timeoutMs
  let waitMs = 5
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx')
      try {
        const owner: Owner = {
          pid: process.pid,
          host: hostname(),
          createdAt: new Date().toISOString()
        }
        await handle.writeFile(`${JSON.stringify(owner)}\n`)
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
      await breakIfStale(lockPath, staleMs, options.onNote ?? (() => undefined))
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
