// The local store (`--store DIR`, default `.joulegate/`): the data branch's layout in a folder, so
// a folder can be copied onto the branch and back. Writers take a per-file lock (file-lock.ts);
// a line is appended, flushed to the disk and, if that fails (a full disk), cut off again, so a
// failed write never leaves half a line; a whole file (the latest calibration) is replaced by
// rename, so a reader never sees half a file.
import { mkdir, open, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { withFileLock } from './file-lock.js'
import {
  Store,
  type FileChanges,
  type StoreBackend,
  type StoreFiles,
  type StoreOptions
} from './store.js'

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/** The text to append so that `line` starts on a fresh line, reading only the file's last byte. */
async function linePrefixFor(file: string): Promise<string> {
  let handle
  try {
    handle = await open(file, 'r')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ''
    throw err
  }
  try {
    const { size } = await handle.stat()
    if (size === 0) return ''
    const last = Buffer.alloc(1)
    await handle.read(last, 0, 1, size - 1)
    // A damaged last line (crashed writer, hand edit) must not swallow the new line.
    return last[0] === 0x0a ? '' : '\n'
  } finally {
    await handle.close()
  }
}

/**
 * Appends `line` to `file` so that it starts on a fresh line and reaches the disk; on any failure
 * the file is cut back to its size before, so the history stays whole.
 */
async function appendDurably(file: string, line: string): Promise<void> {
  const prefix = await linePrefixFor(file)
  const handle = await open(file, 'a')
  try {
    const { size } = await handle.stat()
    try {
      await handle.appendFile(prefix + line, 'utf8')
      await handle.sync()
    } catch (err) {
      await handle.truncate(size).catch(() => undefined)
      throw new Error(`could not write ${file}: ${(err as Error).message}; nothing was added`, {
        cause: err
      })
    }
  } finally {
    await handle.close()
  }
}

// the lock, temporary and probe files this backend leaves beside the data while it writes
const OWN_FILE = /\.(lock|\d+\.tmp|\d+\.probe)$/

interface FolderStoreOptions extends StoreOptions {
  /** told what the store did on its own (a stale lock broken), one line each; default stderr */
  log?: (line: string) => void
}

class FolderBackend implements StoreBackend {
  readonly description: string

  constructor(
    private readonly dir: string,
    private readonly log: (line: string) => void
  ) {
    this.description = `folder ${dir}`
  }

  locate(file: string): string {
    return path.join(this.dir, ...file.split('/'))
  }

  read(file: string): Promise<string | null> {
    return readText(this.locate(file))
  }

  /** the data files in `dir`: the backend's own locks and temporary files are not data */
  async list(dir: string): Promise<string[]> {
    try {
      return (await readdir(this.locate(dir))).filter((n) => !OWN_FILE.test(n))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
  }

  private lock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
    return withFileLock(lockPath, fn, { onNote: (note) => this.log(note) })
  }

  /**
   * Whether the file could be written now: its folder can be created and written, and its lock
   * taken (a stale one is broken). Called before a training run that will be recorded, so an
   * unwritable store is said before the run, not after it.
   */
  async checkWritable(relative: string): Promise<void> {
    const file = this.locate(relative)
    try {
      await mkdir(path.dirname(file), { recursive: true })
      await this.lock(`${file}.lock`, async () => {
        const probe = `${file}.${process.pid}.probe`
        await writeFile(probe, '')
        await rm(probe, { force: true })
      })
    } catch (err) {
      throw new Error(
        `${this.description} is not writable (${(err as Error).message}); a record could not be kept`,
        { cause: err }
      )
    }
  }

  /** Under the scope file's lock: appends first (a log line), then replacements (the latest). */
  async update(
    scope: string,
    _message: string,
    compute: (files: StoreFiles) => Promise<FileChanges>
  ): Promise<void> {
    const lockFile = `${this.locate(scope)}.lock`
    await mkdir(path.dirname(lockFile), { recursive: true })
    await this.lock(lockFile, async () => {
      const changes = await compute(this)
      for (const [relative, line] of Object.entries(changes.append)) {
        const file = this.locate(relative)
        await mkdir(path.dirname(file), { recursive: true })
        await appendDurably(file, line)
      }
      for (const [relative, text] of Object.entries(changes.replace)) {
        const file = this.locate(relative)
        await mkdir(path.dirname(file), { recursive: true })
        const tmp = `${file}.${process.pid}.tmp`
        await writeFile(tmp, text, 'utf8')
        await rename(tmp, file)
      }
    })
  }

  async close(): Promise<void> {}
}

/** The local store in `dir` (created on the first write). */
export function openFolderStore(dir: string, options: FolderStoreOptions = {}): Store {
  const log = options.log ?? ((line: string) => process.stderr.write(`joulegate: ${line}\n`))
  return new Store(new FolderBackend(dir, log), options)
}
