// Follows JOULEGATE_METRICS_FILE while the command runs: reads only the bytes appended since the
// last poll, so a long training log costs nothing per tick.
import { closeSync, fstatSync, openSync, readSync, watch, type FSWatcher } from 'node:fs'
import { splitCompleteLines } from '../core/metrics-protocol.js'

export class MetricsFileTail {
  private fd: number | null = null
  private offset = 0
  private rest = ''
  private lineNumber = 0
  private watcher: FSWatcher | null = null

  constructor(private readonly path: string) {}

  /** Starts after what the file already holds, so lines from an earlier run are not taken again. */
  open(): void {
    this.fd = openSync(this.path, 'a+')
    this.offset = fstatSync(this.fd).size
  }

  /** New complete lines with their 1-based numbers; `final` also returns an unterminated last line. */
  poll(final = false): { line: string; lineNumber: number }[] {
    if (this.fd === null) return []
    const size = fstatSync(this.fd).size
    if (size > this.offset) {
      const buffer = Buffer.alloc(size - this.offset)
      const read = readSync(this.fd, buffer, 0, buffer.length, this.offset)
      this.offset += read
      this.rest += buffer.subarray(0, read).toString('utf8')
    }
    const { lines, rest } = splitCompleteLines(this.rest)
    this.rest = rest
    if (final && rest.trim() !== '') {
      lines.push(rest)
      this.rest = ''
    }
    return lines
      .map((line) => ({ line, lineNumber: ++this.lineNumber }))
      .filter((l) => l.line.trim() !== '')
  }

  /**
   * Calls `onChange` when the file is written (inotify on Linux), so lines are stamped when they
   * arrive without polling; where watching is unsupported the caller's periodic poll still reads them.
   */
  watch(onChange: () => void): void {
    try {
      this.watcher = watch(this.path, { persistent: false }, () => onChange())
      this.watcher.on('error', () => this.unwatch())
    } catch {
      this.watcher = null
    }
  }

  private unwatch(): void {
    this.watcher?.close()
    this.watcher = null
  }

  close(): void {
    this.unwatch()
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }
}
