// Follows JOULEGATE_METRICS_FILE while the command runs: reads only the bytes appended since the
// last poll, at most a chunk at a time, so a training script that logs every step costs neither a
// tick's time nor memory in proportion to its log. A script that rewrites the file (truncates it and
// writes every line again each epoch) is followed too: the file is read again from its start.
import { closeSync, fstatSync, openSync, readSync, watch, type FSWatcher } from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import { splitCompleteLines } from '../core/measure/metrics-protocol.js'

// One read into one reused buffer; a poll returns the complete lines of about this many bytes (more
// only for one very long line), so the caller stamps and records a bounded batch at a time. Small
// enough that the text of a chunk is short-lived garbage: a megabyte would go straight to the
// large-object heap and stay resident until a full collection, a million lines growing memory by
// a hundred megabytes.
const CHUNK_BYTES = 64 * 1024
// The bytes just before the read position are compared on every poll: a file rewritten with other
// content that has already grown past the old size does not shrink, but these bytes change.
const SIGNATURE_BYTES = 64

/** FNV-1a of one line: enough to tell a line written again unchanged from a new one. */
function hashLine(line: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < line.length; i++) {
    h ^= line.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** A growable list of line hashes: 4 bytes a line, so a million lines cost 4 MB. */
class HashList {
  private data = new Uint32Array(1024)
  length = 0
  push(h: number): void {
    if (this.length === this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2)
      bigger.set(this.data)
      this.data = bigger
    }
    this.data[this.length++] = h
  }
  at(i: number): number {
    return this.data[i]!
  }
}

export class MetricsFileTail {
  private fd: number | null = null
  private offset = 0
  private signature: Buffer = Buffer.alloc(0)
  private rest = ''
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES)
  // a character split across two reads is decoded whole
  private decoder = new StringDecoder('utf8')
  private lineNumber = 0
  private watcher: FSWatcher | null = null
  private hashes = new HashList()
  /** hashes of the lines read before the last rewrite, while the new content repeats them */
  private replay: HashList | null = null
  private rewrites: { count: number; firstAtLine: number; repeated: number } | null = null

  constructor(private readonly path: string) {}

  /** Starts after what the file already holds, so lines from an earlier run are not taken again. */
  open(): void {
    this.fd = openSync(this.path, 'a+')
    this.offset = fstatSync(this.fd).size
    this.signature = this.readAt(Math.max(0, this.offset - SIGNATURE_BYTES), this.offset)
  }

  /**
   * New complete lines with their 1-based numbers in the file, from at most about one chunk of new
   * bytes (call again until it returns none); `final` also returns an unterminated last line.
   */
  poll(final = false): { line: string; lineNumber: number }[] {
    if (this.fd === null) return []
    let size = fstatSync(this.fd).size
    if (size < this.offset || !this.signatureHolds()) {
      this.restart()
      size = fstatSync(this.fd).size
    }
    const out: { line: string; lineNumber: number }[] = []
    while (out.length === 0 && size > this.offset) {
      const read = readSync(
        this.fd,
        this.chunk,
        0,
        Math.min(CHUNK_BYTES, size - this.offset),
        this.offset
      )
      if (read === 0) break
      const chunk = this.chunk.subarray(0, read)
      this.offset += read
      this.keepSignature(chunk)
      this.rest += this.decoder.write(chunk)
      const split = splitCompleteLines(this.rest)
      this.rest = split.rest
      this.take(split.lines, out)
    }
    if (final && size <= this.offset) this.rest += this.decoder.end()
    if (final && size <= this.offset && this.rest.trim() !== '') {
      this.take([this.rest], out)
      this.rest = ''
    }
    return out
  }

  private take(lines: string[], out: { line: string; lineNumber: number }[]): void {
    for (const line of lines) {
      const lineNumber = ++this.lineNumber
      const h = hashLine(line)
      this.hashes.push(h)
      if (this.repeatsEarlierRead(lineNumber, h)) continue
      if (line.trim() !== '') out.push({ line, lineNumber })
    }
  }

  /** What following the file met, in words, for the measurement's notices. */
  notes(): string[] {
    if (!this.rewrites) return []
    const { count, firstAtLine, repeated } = this.rewrites
    return [
      `metrics file was truncated/rewritten at line ${firstAtLine}${count > 1 ? ` (and ${count - 1} more time(s))` : ''}: read again from its start; ${repeated} line(s) that repeated what had been read were not counted twice`
    ]
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

  private readAt(from: number, to: number): Buffer {
    const buffer = Buffer.alloc(Math.max(0, to - from))
    const read = buffer.length > 0 ? readSync(this.fd!, buffer, 0, buffer.length, from) : 0
    return buffer.subarray(0, read)
  }

  private keepSignature(chunk: Buffer): void {
    const joined = chunk.length >= SIGNATURE_BYTES ? chunk : Buffer.concat([this.signature, chunk])
    this.signature = Buffer.from(joined.subarray(Math.max(0, joined.length - SIGNATURE_BYTES)))
  }

  private signatureHolds(): boolean {
    if (this.signature.length === 0) return true
    const now = this.readAt(this.offset - this.signature.length, this.offset)
    return now.equals(this.signature)
  }

  /** The file shrank or its read part changed: the script wrote it anew, so read it from the start. */
  private restart(): void {
    this.rewrites = this.rewrites
      ? { ...this.rewrites, count: this.rewrites.count + 1 }
      : { count: 1, firstAtLine: this.lineNumber, repeated: 0 }
    this.replay = this.hashes
    this.hashes = new HashList()
    this.offset = 0
    this.signature = Buffer.alloc(0)
    this.rest = ''
    this.decoder = new StringDecoder('utf8')
    this.lineNumber = 0
  }

  /** While the rewritten file repeats the lines read before, they are not new metric lines. */
  private repeatsEarlierRead(lineNumber: number, h: number): boolean {
    const replay = this.replay
    if (replay === null) return false
    if (lineNumber <= replay.length && replay.at(lineNumber - 1) === h) {
      this.rewrites!.repeated++
      return true
    }
    this.replay = null
    return false
  }
}
