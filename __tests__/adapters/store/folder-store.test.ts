import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import os, { hostname } from 'node:os'
import path from 'node:path'
import { withFileLock } from '../../../src/adapters/store/file-lock.js'
import { openFolderStore } from '../../../src/adapters/store/folder-backend.js'
import { describeSkippedLines, serializeLine } from '../../../src/core/history/history.js'
import type { HistoryRecord } from '../../../src/core/types.js'
import { makeCalibration, makeRecord } from './records.js'

let root: string
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'joulegate-folder-test-'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const fresh = (name: string): string => path.join(root, name)

/** A record far larger than one atomic write, so interleaved appends would show up as corrupt lines. */
function bigRecord(tag: string): HistoryRecord {
  const r = makeRecord({ tag })
  r.measurement.progress = Array.from({ length: 1500 }, (_, i) => ({
    elapsedS: i,
    energyJ: i * 10,
    values: { tag, step: i }
  }))
  return r
}

describe('the folder store', () => {
  it('appends, reads back in order and lists series', async () => {
    const dir = fresh('basic')
    const store = openFolderStore(dir)
    expect(await store.listSeries()).toEqual([])
    expect(await store.readHistory('default')).toEqual([])
    const a = makeRecord({ energyJ: 1 })
    const b = makeRecord({ energyJ: 2, series: 'gpu-a40' })
    await store.appendRecord('default', a)
    await store.appendRecord('gpu-a40', b)
    await store.appendRecord('default', makeRecord({ energyJ: 3 }))
    expect((await store.readHistory('default')).map((r) => r.measurement.energyJ)).toEqual([1, 3])
    expect(await store.readHistory('gpu-a40')).toEqual([b])
    expect(await store.listSeries()).toEqual(['default', 'gpu-a40'])
    const text = readFileSync(path.join(dir, 'history', 'default.jsonl'), 'utf8')
    expect(text.split('\n')).toHaveLength(3) // two lines and the final newline
  })

  it('loses nothing with five concurrent writers of large records', async () => {
    const dir = fresh('concurrent')
    const writers = Array.from({ length: 5 }, () => openFolderStore(dir))
    await Promise.all(
      writers.map(async (store, w) => {
        for (let i = 0; i < 4; i++) await store.appendRecord('default', bigRecord(`w${w}-${i}`))
      })
    )
    const tags = (await openFolderStore(dir).readHistory('default')).map(
      (r) => r.measurement.command
    )
    const want = writers.flatMap((_, w) => [0, 1, 2, 3].map((i) => `train w${w}-${i}`))
    expect([...tags].sort()).toEqual([...want].sort())
  })

  it('keeps a new record intact after a torn last line, and skips that line with a note', async () => {
    const dir = fresh('damaged')
    const store = openFolderStore(dir)
    await store.appendRecord('default', makeRecord({ energyJ: 1 }))
    const file = path.join(dir, 'history', 'default.jsonl')
    writeFileSync(file, readFileSync(file, 'utf8') + '{"schema":"joulegate.res')
    await store.appendRecord('default', makeRecord({ energyJ: 2 }))
    const lines = readFileSync(file, 'utf8').split('\n')
    expect(JSON.parse(lines[2]).measurement.energyJ).toBe(2)
    const history = await store.readHistory('default')
    expect(history.map((r) => r.measurement.energyJ)).toEqual([1, 2])
    expect(describeSkippedLines(history)).toEqual([
      `${file} line 2 cannot be read and was skipped (not valid JSON (Unterminated string in JSON at position 24): "{\\"schema\\":\\"joulegate.res"); the other records were used`
    ])
  })

  it('leaves the history as it was when the disk fills in the middle of a record', () => {
    const dir = fresh('full-disk')
    const file = path.join(dir, 'history', 'default.jsonl')
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, serializeLine(makeRecord({ energyJ: 1 })))
    const before = readFileSync(file, 'utf8')
    // a file size limit of 8 KiB (ulimit -f, 512-byte blocks) stands in for a full disk: the big
    // record's write stops part way with EFBIG, as it would with ENOSPC
    const script = [
      `import { openFolderStore } from ${JSON.stringify(path.resolve('src/adapters/store/folder-backend.ts'))}`,
      `const record = JSON.parse(process.env.RECORD)`,
      `openFolderStore(process.env.DIR).appendRecord('default', record).then(`,
      `  () => console.log('written'), (e) => console.log('failed: ' + e.message))`
    ].join('\n')
    const out = execFileSync(
      'sh',
      [
        '-c',
        'ulimit -f 16; exec "$0" --import tsx --input-type=module -e "$1"',
        process.execPath,
        script
      ],
      {
        env: { ...process.env, DIR: dir, RECORD: JSON.stringify(bigRecord('big')) },
        encoding: 'utf8'
      }
    )
    expect(out).toMatch(/^failed: could not write .*default\.jsonl: .*; nothing was added/)
    expect(readFileSync(file, 'utf8')).toBe(before)
  })
  it('keeps every calibration and serves the newest', async () => {
    const store = openFolderStore(fresh('cal'))
    const fp = 'abcdef0123456789'
    expect(await store.readCalibration(fp)).toBeNull()
    await store.writeCalibration(fp, makeCalibration('2026-01-01T00:00:00.000Z', 100))
    await store.writeCalibration(fp, makeCalibration('2026-01-03T00:00:00.000Z', 300))
    await store.writeCalibration(fp, makeCalibration('2026-01-02T00:00:00.000Z', 200)) // late upload
    expect((await store.readCalibration(fp))?.createdAt).toBe('2026-01-03T00:00:00.000Z')
    expect((await store.readCalibrationLog(fp)).map((c) => c.points[0].energyJ)).toEqual([
      100, 300, 200
    ])
    expect(await store.listSeries()).toEqual([])
  })

  it('rejects an unsafe series name before touching the disk', async () => {
    const store = openFolderStore(fresh('names'))
    await expect(store.appendRecord('../escape', makeRecord())).rejects.toThrow(
      /^name: got "..\/escape"/
    )
  })
})

describe('withFileLock', () => {
  it('breaks an old lock and gives up on a live one', async () => {
    const lock = path.join(root, 'x.lock')
    writeFileSync(lock, '1 old\n')
    const old = new Date(Date.now() - 3_600_000)
    utimesSync(lock, old, old)
    await expect(withFileLock(lock, async () => 'ran')).resolves.toBe('ran')
    writeFileSync(
      lock,
      `${JSON.stringify({ pid: process.pid, host: hostname(), createdAt: new Date().toISOString() })}\n`
    )
    await expect(withFileLock(lock, async () => 'ran', { timeoutMs: 100 })).rejects.toThrow(
      /could not lock .*x\.lock within 100 ms/
    )
  })

  it('breaks at once, with a note, a fresh lock whose writer on this host was killed', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!
    const lock = path.join(root, 'killed.lock')
    writeFileSync(
      lock,
      `${JSON.stringify({ pid: dead, host: hostname(), createdAt: new Date().toISOString() })}\n`
    )
    const notes: string[] = []
    // a timeout far below the age bound: only the dead owner can free it in time
    await expect(
      withFileLock(lock, async () => 'ran', { timeoutMs: 2000, onNote: (n) => notes.push(n) })
    ).resolves.toBe('ran')
    expect(notes).toEqual([
      `broke the stale lock ${lock}: its owner, process ${dead} on this host, is no longer running`
    ])
  })
})

describe('the folder store.checkWritable', () => {
  it('passes on a writable folder and breaks a stale lock there, telling the log', async () => {
    const lines: string[] = []
    const dir = fresh('probe')
    const store = openFolderStore(dir, { log: (l) => lines.push(l) })
    const lock = path.join(dir, 'history', 'default.jsonl.lock')
    mkdirSync(path.dirname(lock), { recursive: true })
    writeFileSync(
      lock,
      `${JSON.stringify({ pid: 1, host: 'elsewhere', createdAt: '2020-01-01T00:00:00Z' })}\n`
    )
    await expect(store.checkWritable('default')).resolves.toBeUndefined()
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^broke the stale lock .*default\.jsonl\.lock: it was taken \d+ s ago by process 1 on elsewhere/
    )
    expect(readdirSync(path.dirname(lock))).toEqual([])
  })

  it('says before any run that a store under a file cannot be written', async () => {
    const blocker = fresh('a-file')
    writeFileSync(blocker, '')
    const store = openFolderStore(path.join(blocker, 'store'))
    await expect(store.checkWritable('default')).rejects.toThrow(
      /^folder .*a-file\/store is not writable \(.*\); a record could not be kept$/
    )
  })
})
