// The pattern of mode report's result-file, expanded over a real folder tree laid out the way
// actions/download-artifact leaves several artifacts (one folder per artifact).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expandGlob, isGlobPattern } from '../../src/adapters/glob-files.js'

const root = mkdtempSync(join(tmpdir(), 'jg-glob-'))
const outside = mkdtempSync(join(tmpdir(), 'jg-glob-outside-'))
const limits = { maxMatches: 64, maxEntries: 10_000 }

function file(path: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true })
  writeFileSync(join(root, path), '{}')
}

beforeAll(() => {
  file('results/joulegate-a100/joulegate-result.json')
  file('results/joulegate-h100/joulegate-result.json')
  file('results/joulegate-a40/nested/joulegate-result.json')
  file('results/joulegate-a40/joulegate-result.md')
  file('results/.cache/joulegate-result.json')
  writeFileSync(join(outside, 'joulegate-result.json'), '{}')
  symlinkSync(outside, join(root, 'results', 'linked-dir'))
  symlinkSync(join(outside, 'joulegate-result.json'), join(root, 'results', 'link.json'))
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})

describe('expandGlob', () => {
  it('** matches any depth; dot folders and symbolic links are never entered', async () => {
    const found = await expandGlob('results/**/joulegate-result.json', root, limits)
    expect(found).toEqual(
      [
        'results/joulegate-a100/joulegate-result.json',
        'results/joulegate-a40/nested/joulegate-result.json',
        'results/joulegate-h100/joulegate-result.json'
      ].map((p) => join(root, p))
    )
  })

  it('* and ? match within one folder name; a linked file is not read', async () => {
    expect(await expandGlob('results/joulegate-?100/*.json', root, limits)).toEqual([
      join(root, 'results/joulegate-a100/joulegate-result.json'),
      join(root, 'results/joulegate-h100/joulegate-result.json')
    ])
    expect(await expandGlob('results/*.json', root, limits)).toEqual([])
  })

  it('an absolute pattern ignores the base; a dot folder named in the pattern is walked', async () => {
    expect(await expandGlob(join(root, 'results/.cache/*.json'), '/nowhere', limits)).toEqual([
      join(root, 'results/.cache/joulegate-result.json')
    ])
  })

  it('stops at its bounds instead of walking on', async () => {
    await expect(
      expandGlob('results/**/*.json', root, { maxMatches: 2, maxEntries: 10_000 })
    ).rejects.toThrow(/more than 2 files/)
    await expect(
      expandGlob('results/**/*.json', root, { maxMatches: 64, maxEntries: 3 })
    ).rejects.toThrow(/more than 3 entries/)
    await expect(expandGlob('results/*/../../*', root, limits)).rejects.toThrow(/"\.\."/)
  })

  it('a missing folder matches nothing', async () => {
    expect(await expandGlob('artifacts/**/*.json', root, limits)).toEqual([])
  })

  it('tells a pattern from a path', () => {
    expect(isGlobPattern('results/**/joulegate-result.json')).toBe(true)
    expect(isGlobPattern('out/result-?.json')).toBe(true)
    expect(isGlobPattern('/tmp/joulegate-result/result.json')).toBe(false)
  })
})
