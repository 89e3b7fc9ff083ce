import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { withFileLock } from '../../src/adapters/file-lock.js'
import { FolderStore } from '../../src/adapters/folder-store.js'
import { CorruptHistoryError } from '../../src/core/history.js'
import type { HistoryRecord } from '../../src/core/types.js'
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

describe('FolderStore', () => {
  it('appends, reads back in order and lists series', async () => {
    const store = new FolderStore(fresh('basic'))
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
    const text = readFileSync(path.join(store.dir, 'history', 'default.jsonl'), 'utf8')
    expect(text.split('\n')).toHaveLength(3) // two lines and the final newline
  })

  it('loses nothing with five concurrent writers of large records', async () => {
    const dir = fresh('concurrent')
    const writers = Array.from({ length: 5 }, () => new FolderStore(dir))
    await Promise.all(
      writers.map(async (store, w) => {
        for (let i = 0; i < 4; i++) await store.appendRecord('default', bigRecord(`w${w}-${i}`))
      })
    )
    const tags = (await new FolderStore(dir).readHistory('default')).map(
      (r) => r.measurement.command
    )
    const want = writers.flatMap((_, w) => [0, 1, 2, 3].map((i) => `train w${w}-${i}`))
    expect([...tags].sort()).toEqual([...want].sort())
  })

  it('keeps a new record intact after a damaged last line, and reports that line', async () => {
    const store = new FolderStore(fresh('damaged'))
    await store.appendRecord('default', makeRecord({ energyJ: 1 }))
    const file = path.join(store.dir, 'history', 'default.jsonl')
    writeFileSync(file, readFileSync(file, 'utf8') + '{"schema":"joulegate.res')
    await store.appendRecord('default', makeRecord({ energyJ: 2 }))
    const lines = readFileSync(file, 'utf8').split('\n')
    expect(JSON.parse(lines[2]).measurement.energyJ).toBe(2)
    const err = await store.readHistory('default').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CorruptHistoryError)
    expect((err as CorruptHistoryError).line).toBe(2)
    expect((err as Error).message.startsWith(`${file} line 2: not valid JSON`)).toBe(true)
  })

  it('keeps every calibration and serves the newest', async () => {
    const store = new FolderStore(fresh('cal'))
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
    const store = new FolderStore(fresh('names'))
    await expect(store.appendRecord('../escape', makeRecord())).rejects.toThrow(
      /^name: got "..\/escape"/
    )
  })
})

describe('withFileLock', () => {
  it('takes over a stale lock and gives up on a live one', async () => {
    const lock = path.join(root, 'x.lock')
    writeFileSync(lock, '1 old\n')
    const old = new Date(Date.now() - 3_600_000)
    utimesSync(lock, old, old)
    await expect(withFileLock(lock, async () => 'ran')).resolves.toBe('ran')
    writeFileSync(lock, '1 now\n')
    await expect(withFileLock(lock, async () => 'ran', { timeoutMs: 100 })).rejects.toThrow(
      /could not lock .*x\.lock within 100 ms/
    )
  })
})
