// One store, two backends: the same sequence of reads and writes gives the same answers on a
// folder and on a data branch, and the rules the store owns (newest calibration wins, read-only
// refuses every write, the dashboard sees the write it rides with) hold on both.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { openFolderStore } from '../../../src/adapters/store/folder-backend.js'
import { openDataBranchStore } from '../../../src/adapters/store/git-branch-backend.js'
import type { Store, StoreOptions } from '../../../src/adapters/store/store.js'
import { makeWorkspace, openSandbox, type Sandbox } from './git-fixture.js'
import { makeCalibration, makeRecord } from './records.js'

let box: Sandbox
beforeAll(() => {
  box = openSandbox()
})
afterAll(() => box.restore())

let count = 0
const backends: [string, (options?: StoreOptions) => Store][] = [
  ['folder', (options) => openFolderStore(path.join(box.root, `folder-${++count}`), options)],
  [
    'data branch',
    (options) => {
      const { workspace } = makeWorkspace(box.root, `branch-${++count}`)
      return openDataBranchStore({ cwd: workspace, env: process.env, ...options })
    }
  ]
]

describe.each(backends)('the store on a %s', (_name, open) => {
  it('appends records, keeps every calibration and serves the newest', async () => {
    const store = open()
    try {
      expect(await store.listSeries()).toEqual([])
      expect(await store.listCalibrations()).toEqual([])
      await store.appendRecord('default', makeRecord({ energyJ: 1 }))
      await store.appendRecord('gpu-a40', makeRecord({ energyJ: 2 }))
      await store.appendRecord('default', makeRecord({ energyJ: 3 }))
      expect((await store.readHistory('default')).map((r) => r.measurement.energyJ)).toEqual([1, 3])
      expect(await store.listSeries()).toEqual(['default', 'gpu-a40'])
      const fp = 'abcdef0123456789'
      await store.writeCalibration(fp, makeCalibration('2026-01-03T00:00:00.000Z', 300))
      await store.writeCalibration(fp, makeCalibration('2026-01-02T00:00:00.000Z', 200)) // late
      expect((await store.readCalibration(fp))?.createdAt).toBe('2026-01-03T00:00:00.000Z')
      expect((await store.readCalibrationLog(fp)).map((c) => c.points[0].energyJ)).toEqual([
        300, 200
      ])
      expect(await store.listCalibrations()).toEqual([fp])
    } finally {
      await store.close()
    }
  })

  it('refuses every write when read-only, saying why, and still reads', async () => {
    const store = open({ readOnly: 'history is never written from a pull request run' })
    try {
      await expect(store.appendRecord('default', makeRecord())).rejects.toThrow(
        /: history is never written from a pull request run$/
      )
      await expect(
        store.writeCalibration('abcdef0123456789', makeCalibration('2026-01-01T00:00:00.000Z'))
      ).rejects.toThrow(/never written/)
      await expect(store.checkWritable('default')).rejects.toThrow(/never written/)
      expect(await store.readHistory('default')).toEqual([])
    } finally {
      await store.close()
    }
  })

  it('gives the dashboard the files as the write leaves them, and never lets it replace them', async () => {
    const seen: string[] = []
    const store = open({
      companionFiles: async (files) => {
        seen.push(
          ((await files.read('history/default.jsonl')) ?? '').trim().split('\n').length + ''
        )
        seen.push((await files.list('history')).join(','))
        return { 'dashboard/index.html': 'page', 'history/default.jsonl': 'clobbered' }
      }
    })
    try {
      await store.appendRecord('default', makeRecord({ energyJ: 1 }))
      await store.appendRecord('default', makeRecord({ energyJ: 2 }))
      expect(seen).toEqual(['1', 'default.jsonl', '2', 'default.jsonl'])
      expect((await store.readHistory('default')).map((r) => r.measurement.energyJ)).toEqual([1, 2])
    } finally {
      await store.close()
    }
  })
})
