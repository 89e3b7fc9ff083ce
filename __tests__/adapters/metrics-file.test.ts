// MetricsFileTail on real files: chunked reads of a flood, and a script that rewrites its file.
import { afterAll, describe, expect, it } from '@jest/globals'
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MetricsFileTail } from '../../src/adapters/metrics-file.js'
import { collectFinalMetrics, parseMetricLine } from '../../src/core/measure/metrics-protocol.js'

const root = mkdtempSync(join(tmpdir(), 'jg-metrics-file-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const line = (values: object): string => `${JSON.stringify(values)}\n`

/** Every line a tail gives until it has no more, polling the way the monitor does. */
function drain(tail: MetricsFileTail, final = false): { line: string; lineNumber: number }[] {
  const out: { line: string; lineNumber: number }[] = []
  for (let batch = tail.poll(final); batch.length > 0; batch = tail.poll(final)) out.push(...batch)
  return out
}

const finals = (lines: { line: string; lineNumber: number }[]) =>
  collectFinalMetrics(
    lines.map(({ line: l, lineNumber }) => {
      const parsed = parseMetricLine(l, lineNumber)
      if (!parsed.ok) throw new Error(parsed.error)
      return { elapsedS: 0, energyJ: 0, values: parsed.values }
    })
  ).metrics

/** A tail that has read the first two epochs of `name`, before the script rewrites the file. */
function tailAfterTwoEpochs(name: string): {
  file: string
  tail: MetricsFileTail
  epochs: string[]
} {
  const file = join(root, name)
  writeFileSync(file, '')
  const tail = new MetricsFileTail(file)
  tail.open()
  const epochs = [1, 2, 3].map((e) => line({ epoch: e, acc: e / 10 }))
  appendFileSync(file, epochs[0]! + epochs[1]!)
  expect(drain(tail)).toHaveLength(2)
  return { file, tail, epochs }
}

describe('MetricsFileTail', () => {
  it('gives a flood in bounded batches, every line once and numbered', () => {
    const file = join(root, 'flood.jsonl')
    writeFileSync(file, '')
    const tail = new MetricsFileTail(file)
    tail.open()
    const text = Array.from({ length: 50_000 }, (_, i) => line({ step: i + 1, loss: 1 / (i + 1) }))
    appendFileSync(file, text.join(''))
    const first = tail.poll()
    // one poll reads about a MiB, not the whole 1.5 MB file
    expect(first.length).toBeGreaterThan(0)
    expect(first.length).toBeLessThan(50_000)
    const rest = drain(tail)
    tail.close()
    const all = [...first, ...rest]
    expect(all.map((l) => l.lineNumber)).toEqual(Array.from({ length: 50_000 }, (_, i) => i + 1))
    expect(finals(all)).toEqual({ step: 50_000, loss: 1 / 50_000 })
  })

  it('decodes a character split across two reads whole', () => {
    const file = join(root, 'utf8.jsonl')
    writeFileSync(file, '')
    const tail = new MetricsFileTail(file)
    tail.open()
    // "é" is two bytes; the padding puts its first byte at the end of the first 64 KiB read
    const prefix = '{"note":"'
    const text = `${prefix}${'x'.repeat(64 * 1024 - prefix.length - 1)}é"}\n`
    appendFileSync(file, text)
    const lines = drain(tail, true)
    tail.close()
    expect(lines).toEqual([{ line: text.trim(), lineNumber: 1 }])
  })

  it('reads a file rewritten shorter from its start and says so', () => {
    // epoch 1 was written with a long note; the rewrite at epoch 2 is shorter than what was read
    const file = join(root, 'rewrite-shorter.jsonl')
    writeFileSync(file, '')
    const tail = new MetricsFileTail(file)
    tail.open()
    appendFileSync(file, line({ epoch: 1, acc: 0.1, note: 'x'.repeat(200) }))
    expect(drain(tail).map((l) => l.lineNumber)).toEqual([1])
    writeFileSync(file, line({ epoch: 1, acc: 0.1 }) + line({ epoch: 2, acc: 0.2 }))
    const again = drain(tail, true)
    tail.close()
    expect(again.map((l) => l.lineNumber)).toEqual([1, 2])
    expect(finals(again)).toEqual({ epoch: 2, acc: 0.2 })
    expect(tail.notes()).toEqual([
      'metrics file was truncated/rewritten at line 1: read again from its start; 0 line(s) that repeated what had been read were not counted twice'
    ])
  })

  it('a rewrite with other content, grown past the old size unseen, is read from its start', () => {
    const { file, tail } = tailAfterTwoEpochs('rewrite-other.jsonl')
    // the script re-evaluated every epoch and wrote them all again with one more: the file never
    // looked shorter, but the bytes already read changed
    writeFileSync(file, [1, 2, 3].map((e) => line({ epoch: e, acc: e / 10 + 0.05 })).join(''))
    const again = drain(tail, true)
    tail.close()
    expect(again.map((l) => l.lineNumber)).toEqual([1, 2, 3])
    expect(finals(again)).toEqual({ epoch: 3, acc: 0.35 })
    expect(tail.notes()[0]).toContain('truncated/rewritten at line 2')
  })

  it('a file rewritten with the same lines and one more, unseen in between, reads on', () => {
    const { file, tail, epochs } = tailAfterTwoEpochs('rewrite-grown.jsonl')
    writeFileSync(file, epochs.join(''))
    const again = drain(tail, true)
    tail.close()
    expect(again).toEqual([{ line: epochs[2]!.trim(), lineNumber: 3 }])
    expect(tail.notes()).toEqual([])
  })

  it('after a shrink, lines that repeat the earlier read are not counted twice', () => {
    const { file, tail, epochs } = tailAfterTwoEpochs('rewrite-replay.jsonl')
    writeFileSync(file, '') // the script truncates ...
    expect(drain(tail)).toEqual([])
    writeFileSync(file, epochs.join('')) // ... and writes every epoch again
    const again = drain(tail, true)
    tail.close()
    expect(again).toEqual([{ line: epochs[2]!.trim(), lineNumber: 3 }])
    expect(tail.notes()[0]).toContain('2 line(s) that repeated what had been read')
  })
})
