// The local store (`--store DIR`, default `.joulegate/`): the data branch's layout in a folder, so
// a folder can be copied onto the branch and back. Writers take a per-file lock (file-lock.ts);
// a line is appended, flushed to the disk and, if that fails (a full disk), cut off again, so a
// failed write never leaves half a line; the latest calibration is replaced by rename, so a reader
// never sees half a file.
import { mkdir, open, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  CALIBRATION_DIR,
  HISTORY_DIR,
  calibrationLogPath,
  calibrationPath,
  chooseLatestCalibration,
  historyPath,
  parseCalibration,
  parseCalibrationLog,
  parseHistory,
  serializeCalibration,
  serializeLine,
  seriesOfPath
} from '../core/history/history.js'
import type { Calibration, HistoryRecord } from '../core/types.js'
import { withFileLock } from './file-lock.js'
import type { HistoryStore } from './store.js'

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

interface FolderStoreOptions {
  /** told what the store did on its own (a stale lock broken), one line each; default stderr */
  log?: (line: string) => void
}

export class FolderStore implements HistoryStore {
  readonly description: string
  private readonly log: (line: string) => void

  constructor(
    readonly dir: string,
    options: FolderStoreOptions = {}
  ) {
    this.description = `folder ${dir}`
    this.log = options.log ?? ((line) => process.stderr.write(`joulegate: ${line}\n`))
  }

  private lock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
    return withFileLock(lockPath, fn, { onNote: (note) => this.log(note) })
  }

  /**
   * Whether a record could be written now: the history folder can be created and written, and its
   * lock taken (a stale one is broken). Called before a training run that will be recorded, so
   * an unwritable store is said before the run, not after it.
   */
  async checkWritable(series: string): Promise<void> {
    const file = this.file(historyPath(series))
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

  private file(relative: string): string {
    return path.join(this.dir, ...relative.split('/'))
  }

  async appendRecord(series: string, record: HistoryRecord): Promise<void> {
    const file = this.file(historyPath(series))
    const line = serializeLine(record)
    await mkdir(path.dirname(file), { recursive: true })
    await this.lock(`${file}.lock`, () => appendDurably(file, line))
  }

  async readHistory(series: string): Promise<HistoryRecord[]> {
    const relative = historyPath(series)
    const text = await readText(this.file(relative))
    return text === null ? [] : parseHistory(text, path.join(this.dir, relative))
  }

  async readCalibration(fingerprint: string): Promise<Calibration | null> {
    const relative = calibrationPath(fingerprint)
    const text = await readText(this.file(relative))
    return text === null ? null : parseCalibration(text, path.join(this.dir, relative))
  }

  async readCalibrationLog(fingerprint: string): Promise<Calibration[]> {
    const relative = calibrationLogPath(fingerprint)
    const text = await readText(this.file(relative))
    return text === null ? [] : parseCalibrationLog(text, path.join(this.dir, relative))
  }

  async writeCalibration(fingerprint: string, cal: Calibration): Promise<void> {
    const latestFile = this.file(calibrationPath(fingerprint))
    const logFile = this.file(calibrationLogPath(fingerprint))
    const line = serializeLine(cal)
    await mkdir(path.dirname(latestFile), { recursive: true })
    await this.lock(`${latestFile}.lock`, async () => {
      await appendDurably(logFile, line)
      const current = await this.readCalibration(fingerprint)
      const latest = chooseLatestCalibration(current, cal)
      if (latest !== current) {
        const tmp = `${latestFile}.${process.pid}.tmp`
        await writeFile(tmp, serializeCalibration(latest), 'utf8')
        await rename(tmp, latestFile)
      }
    })
  }

  async listSeries(): Promise<string[]> {
    let names: string[]
    try {
      names = await readdir(path.join(this.dir, HISTORY_DIR))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    return names
      .map((n) => seriesOfPath(n))
      .filter((s): s is string => s !== null)
      .sort()
  }

  async listCalibrations(): Promise<string[]> {
    let names: string[]
    try {
      names = await readdir(path.join(this.dir, CALIBRATION_DIR))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    return names
      .map((n) => /^([^/]+)\.jsonl$/.exec(n)?.[1] ?? null)
      .filter((s): s is string => s !== null)
      .sort()
  }

  async close(): Promise<void> {}
}
