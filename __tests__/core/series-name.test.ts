import { describe, expect, it } from '@jest/globals'
import { historyPath, seriesOfPath } from '../../src/core/history/history.js'
import { validateSeriesName } from '../../src/core/series-name.js'
import { parseSettings } from '../../src/core/settings.js'

// One rule: what the `name` input (and --name) accepts is exactly what the store can file.
const CASES: [string, boolean][] = [
  ['default', true],
  ['gpu-a100_fp16.v2', true],
  ['A', true],
  ['9lives', true],
  ['a'.repeat(100), true],
  ['x.locked', true],
  ['', false],
  ['a'.repeat(101), false],
  ['.hidden', false],
  ['-x', false],
  ['_x', false],
  ['../etc', false],
  ['a/b', false],
  ['a b', false],
  ['é', false],
  ['x.lock', false],
  ['gpu.lock', false]
]

describe('series names', () => {
  it.each(CASES)(
    '%j accepted: %s, by the input, the store and the path reader alike',
    (name, ok) => {
      const byInput = (): string => parseSettings({ name }).name
      const byStore = (): string => historyPath(name)
      if (ok) {
        expect(validateSeriesName(name)).toBe(name)
        expect(byInput()).toBe(name)
        expect(byStore()).toBe(`history/${name}.jsonl`)
        expect(seriesOfPath(`history/${name}.jsonl`)).toBe(name)
      } else {
        expect(validateSeriesName.bind(null, name)).toThrow(/^name: got .*expected a series name/)
        // an empty input is an input left unset (GitHub passes "" for it): the default series
        if (name === '') expect(byInput()).toBe('default')
        else expect(byInput).toThrow(/^name: got .*expected a series name/)
        expect(byStore).toThrow(/^name: got .*expected a series name/)
        expect(seriesOfPath(`history/${name}.jsonl`)).toBeNull()
      }
    }
  )

  it('names the input it came from and says what was expected, once', () => {
    expect(() => validateSeriesName('x.lock', '--series')).toThrow(
      '--series: got "x.lock", expected a series name of letters, digits, ".", "_" or "-" (at most 100, not starting with "." or "-", not ending in ".lock")'
    )
  })
})
