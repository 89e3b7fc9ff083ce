// Where history and calibrations live: one store over two backends, a local folder (CLI,
// `--store DIR`) and the `joulegate-data` branch of the workspace's origin (the action). The store
// owns the layout and the codecs of core/history/history.ts; a backend only reads files, lists a
// folder and applies one change under its own concurrency rule (a file lock, a push without
// force). Nothing is rewritten or removed: a record is appended, a calibration is added to its log
// and becomes the latest.
import {
  CALIBRATION_DIR,
  appendLine,
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
} from '../../core/history/history.js'
import type { Calibration, HistoryRecord } from '../../core/types.js'

export interface HistoryStore {
  /** where the data lives, for reports and errors ("folder .joulegate", "branch joulegate-data of ...") */
  readonly description: string
  /** appends one record to history/SERIES.jsonl (created when missing) */
  appendRecord(series: string, record: HistoryRecord): Promise<void>
  /**
   * every record of the series in file order; [] when the series has none. A line that cannot be
   * read is skipped and named in the result (`describeSkippedLines` of core/history/history.ts gives the
   * report's notes), so one torn line never stops every later check.
   */
  readHistory(series: string): Promise<HistoryRecord[]>
  /**
   * throws, saying why, when a record of `series` could not be written now; called before a
   * training run that will be recorded. Optional: a store without it is found out on writing.
   */
  checkWritable?(series: string): Promise<void>
  /** the newest calibration of this hardware fingerprint, or null */
  readCalibration(fingerprint: string): Promise<Calibration | null>
  /** every calibration written for this fingerprint, oldest first (for drift warnings) */
  readCalibrationLog(fingerprint: string): Promise<Calibration[]>
  /** adds to calibration/FP.jsonl and makes calibration/FP.json the one with the newest createdAt */
  writeCalibration(fingerprint: string, cal: Calibration): Promise<void>
  /** the series names that have a history file, sorted */
  listSeries(): Promise<string[]>
  /** the fingerprints that have a calibration log, sorted (the dashboard's drift charts) */
  listCalibrations?(): Promise<string[]>
  /** releases temporary files (the data-branch clone); the store is unusable afterwards */
  close(): Promise<void>
}

/** The store's files as they are now (paths like `history/default.jsonl`). */
export interface StoreFiles {
  read(file: string): Promise<string | null>
  /** the file names directly inside `dir`; [] when it does not exist */
  list(dir: string): Promise<string[]>
}

/** One write: lines appended to files (each starts on a fresh line) and whole files replaced. */
export interface FileChanges {
  append: Record<string, string>
  replace: Record<string, string>
}

export interface StoreBackend extends StoreFiles {
  readonly description: string
  /** the file as a person finds it, for errors: `.joulegate/history/x.jsonl`, `joulegate-data:history/x.jsonl` */
  locate(file: string): string
  /**
   * applies the changes `compute` makes of the current files, excluding other writers of `scope`
   * (a file) meanwhile; `compute` may run again when another writer got there first
   */
  update(
    scope: string,
    message: string,
    compute: (files: StoreFiles) => Promise<FileChanges>
  ): Promise<void>
  /** throws, saying why, when `file` could not be written now */
  checkWritable?(file: string): Promise<void>
  close(): Promise<void>
}

export interface StoreOptions {
  /**
   * files derived from the data (the dashboard), computed from the files each write is about to
   * leave and written with it; they may not replace a file the write itself changes
   */
  companionFiles?: (files: StoreFiles) => Promise<Record<string, string>>
  /** told when the companion files could not be made; the data is written without them */
  onNote?: (line: string) => void
  /** set to the reason when nothing may be written (a pull request run): every write is refused */
  readOnly?: string
}

const calibrationOfLog = (name: string): string | null => /^([^/]+)\.jsonl$/.exec(name)?.[1] ?? null

export class Store implements HistoryStore {
  readonly description: string
  private readonly backend: StoreBackend

  constructor(
    backend: StoreBackend,
    private readonly options: StoreOptions = {}
  ) {
    this.backend = options.readOnly ? readOnlyBackend(backend, options.readOnly) : backend
    this.description = backend.description
  }

  async appendRecord(series: string, record: HistoryRecord): Promise<void> {
    const file = historyPath(series)
    const line = serializeLine(record)
    const at = record.commit ? ` at ${record.commit.slice(0, 7)}` : ''
    await this.write(file, `joulegate: record ${series}${at} [skip ci]`, async () => ({
      append: { [file]: line },
      replace: {}
    }))
  }

  async readHistory(series: string): Promise<HistoryRecord[]> {
    const file = historyPath(series)
    const text = await this.backend.read(file)
    return text === null ? [] : parseHistory(text, this.backend.locate(file))
  }

  async checkWritable(series: string): Promise<void> {
    await this.backend.checkWritable?.(historyPath(series))
  }

  async readCalibration(fingerprint: string): Promise<Calibration | null> {
    return this.readLatest(this.backend, fingerprint)
  }

  async readCalibrationLog(fingerprint: string): Promise<Calibration[]> {
    const file = calibrationLogPath(fingerprint)
    const text = await this.backend.read(file)
    return text === null ? [] : parseCalibrationLog(text, this.backend.locate(file))
  }

  async writeCalibration(fingerprint: string, cal: Calibration): Promise<void> {
    const latestFile = calibrationPath(fingerprint)
    const line = serializeLine(cal)
    await this.write(
      latestFile,
      `joulegate: calibration ${fingerprint} [skip ci]`,
      async (files) => {
        const current = await this.readLatest(files, fingerprint)
        const latest = chooseLatestCalibration(current, cal)
        return {
          append: { [calibrationLogPath(fingerprint)]: line },
          replace: latest === current ? {} : { [latestFile]: serializeCalibration(latest) }
        }
      }
    )
  }

  async listSeries(): Promise<string[]> {
    return (await this.backend.list(HISTORY_DIR))
      .map((n) => seriesOfPath(n))
      .filter((s): s is string => s !== null)
      .sort()
  }

  async listCalibrations(): Promise<string[]> {
    return (await this.backend.list(CALIBRATION_DIR))
      .map(calibrationOfLog)
      .filter((s): s is string => s !== null)
      .sort()
  }

  close(): Promise<void> {
    return this.backend.close()
  }

  private async readLatest(files: StoreFiles, fingerprint: string): Promise<Calibration | null> {
    const file = calibrationPath(fingerprint)
    const text = await files.read(file)
    return text === null ? null : parseCalibration(text, this.backend.locate(file))
  }

  private write(
    scope: string,
    message: string,
    compute: (files: StoreFiles) => Promise<FileChanges>
  ): Promise<void> {
    return this.backend.update(scope, message, async (files) => {
      const changes = await compute(files)
      const derived = await this.companionFor(files, changes)
      return { append: changes.append, replace: { ...derived, ...changes.replace } }
    })
  }

  /** The companion files for `changes` on top of `files`; {} (and a note) when they fail. */
  private async companionFor(
    files: StoreFiles,
    changes: FileChanges
  ): Promise<Record<string, string>> {
    const make = this.options.companionFiles
    if (!make) return {}
    const touched = new Set([...Object.keys(changes.append), ...Object.keys(changes.replace)])
    const after: StoreFiles = {
      read: async (file) => {
        if (file in changes.replace) return changes.replace[file]
        const text = await files.read(file)
        if (!(file in changes.append)) return text
        return appendLine(text ?? '', changes.append[file])
      },
      list: async (dir) => {
        const names = new Set(await files.list(dir))
        for (const file of touched) {
          const rest = file.startsWith(`${dir}/`) ? file.slice(dir.length + 1) : null
          if (rest && !rest.includes('/')) names.add(rest)
        }
        return [...names].sort()
      }
    }
    try {
      const extra = await make(after)
      return Object.fromEntries(Object.entries(extra).filter(([file]) => !touched.has(file)))
    } catch (err) {
      this.options.onNote?.(
        `the dashboard was not refreshed on ${this.description} (${(err as Error).message}); the data was written without it`
      )
      return {}
    }
  }
}

/**
 * Pull request runs get a backend that cannot write, whatever a job asks of it: the refusal is in
 * the one place every write goes through.
 */
function readOnlyBackend(backend: StoreBackend, why: string): StoreBackend {
  const refuse = async (): Promise<never> => {
    throw new Error(`${backend.description}: ${why}`)
  }
  return {
    description: backend.description,
    locate: (file) => backend.locate(file),
    read: (file) => backend.read(file),
    list: (dir) => backend.list(dir),
    update: refuse,
    checkWritable: refuse,
    close: () => backend.close()
  }
}

/** A store that reads `files` (the tree a data-branch write is about to commit) and writes nothing. */
export function viewStoreFiles(files: StoreFiles, description: string): HistoryStore {
  const backend: StoreBackend = {
    description,
    locate: (file) => `${description}:${file}`,
    read: (file) => files.read(file),
    list: (dir) => files.list(dir),
    update: async () => undefined,
    close: async () => undefined
  }
  return new Store(backend, { readOnly: 'a view of files being written' })
}
