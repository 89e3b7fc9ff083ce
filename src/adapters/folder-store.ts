// The local store (`--store DIR`, default `.joulegate/`): the data branch's layout in a folder, so
// a folder can be copied onto the branch and back. Writers take a per-file lock (file-lock.ts);
// the latest calibration is replaced by rename, so a reader never sees half a file.
import { appendFile, mkdir, open, readFile, readdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
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
} from '../core/history.js'
import type { Calibration, HistoryRecord } from '../core/types.js'
import { withFileLock } from './file-lock.js'
import type { HistoryStore } from './store.js'

export const DEFAULT_STORE_DIR = '.joulegate'

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

export class FolderStore implements HistoryStore {
  readonly description: string

  constructor(readonly dir: string) {
    this.description = `folder ${dir}`
  }

  private file(relative: string): string {
    return path.join(this.dir, ...relative.split('/'))
  }

  async appendRecord(series: string, record: HistoryRecord): Promise<void> {
    const file = this.file(historyPath(series))
    const line = serializeLine(record)
    await mkdir(path.dirname(file), { recursive: true })
    await withFileLock(`${file}.lock`, async () => {
      await appendFile(file, (await linePrefixFor(file)) + line, 'utf8')
    })
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
    await withFileLock(`${latestFile}.lock`, async () => {
      await appendFile(logFile, (await linePrefixFor(logFile)) + line, 'utf8')
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

  async close(): Promise<void> {}
}
