// The history layout shared by every store, and the JSON Lines codec for it. History is the
// evidence a verdict rests on, yet one torn line (a full disk, a killed writer, a hand edit) must
// not stop every later check: a line that cannot be read is skipped and reported with its file,
// line number and an excerpt, so the report says which evidence was left out.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { UsageError, describeBadValue } from '../errors.js'
import { validateCalibration } from './calibration-codec.js'
import { isSeriesName, validateSeriesName } from '../series-name.js'
import {
  CALIBRATION_SCHEMA,
  RESULT_SCHEMA,
  type Calibration,
  type HistoryRecord
} from '../types.js'

/**
 * Layout of a store (folder or data branch), relative to its root:
 * - `history/NAME.jsonl`: one HistoryRecord per line, append-only (contract).
 * - `calibration/FINGERPRINT.json`: the newest calibration of that hardware (contract).
 * - `calibration/FINGERPRINT.jsonl`: every calibration ever written for it, append-only, so a
 *   newer one never erases the evidence of drift.
 */
export const HISTORY_DIR = 'history'
export const CALIBRATION_DIR = 'calibration'

/** The data branch's README.md, written with the branch's first commit. */
export const DATA_BRANCH_README = `# joulegate data

This branch is written by joulegate, the energy regression gate, and holds its measurements.

- \`history/NAME.jsonl\`: one result per line (\`joulegate.result/v1\`) for series NAME, append-only.
- \`calibration/FINGERPRINT.json\`: the newest calibration of one hardware configuration.
- \`calibration/FINGERPRINT.jsonl\`: every calibration of it, append-only.

Do not rewrite this branch: verdicts compare new runs against these records.
`

/** A history or calibration file that cannot be read as written; the CLI exits 2 on it. */
export class CorruptHistoryError extends UsageError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string
  ) {
    super(`${file} line ${line}: ${detail}`)
    this.name = 'CorruptHistoryError'
  }
}

// Fingerprints become file names on every platform and in git trees: a safe alphabet.
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

function validateFingerprint(fingerprint: string): string {
  if (!NAME_PATTERN.test(fingerprint) || fingerprint.endsWith('.lock')) {
    throw new UsageError(
      describeBadValue('fingerprint', fingerprint, 'letters, digits, ".", "_" or "-" (at most 100)')
    )
  }
  return fingerprint
}

/** The data branch name (the action's `data-branch` input). */
export function validateDataBranch(branch: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(branch) || /\.\.|\/\/|\.lock$|\/$/.test(branch)) {
    throw new UsageError(
      describeBadValue('data-branch', branch, 'a git branch name such as joulegate-data')
    )
  }
  return branch
}

export const historyPath = (series: string): string =>
  `${HISTORY_DIR}/${validateSeriesName(series)}.jsonl`
export const calibrationPath = (fingerprint: string): string =>
  `${CALIBRATION_DIR}/${validateFingerprint(fingerprint)}.json`
export const calibrationLogPath = (fingerprint: string): string =>
  `${CALIBRATION_DIR}/${validateFingerprint(fingerprint)}.jsonl`

/** The series name of a path inside the history folder, or null for anything else. */
export function seriesOfPath(fileName: string): string | null {
  const m = /^(?:history\/)?([^/]+)\.jsonl$/.exec(fileName)
  return m && isSeriesName(m[1]) ? m[1] : null
}

// Only what readers rely on is checked; more fields are welcome (forward compatible).
const RECORD_SCHEMA = {
  type: 'object',
  required: ['schema', 'series', 'commit', 'recordedAt', 'measurement'],
  properties: {
    schema: { const: RESULT_SCHEMA },
    series: { type: 'string' },
    commit: { type: ['string', 'null'] },
    recordedAt: { type: 'string' },
    normalization: { type: ['object', 'null'] },
    measurement: {
      type: 'object',
      required: ['energyJ', 'durationS', 'components', 'exitCode'],
      properties: {
        energyJ: { type: 'number' },
        durationS: { type: 'number' },
        exitCode: { type: ['integer', 'null'] },
        components: { type: 'array' },
        metrics: { type: 'object' }
      }
    }
  }
}

// Compiled on first use: nothing runs at import time.
let validators: { record: ValidateFunction } | null = null
function getValidators(): { record: ValidateFunction } {
  if (!validators) {
    const ajv = new Ajv({ allErrors: false, strict: false })
    validators = { record: ajv.compile(RECORD_SCHEMA) }
  }
  return validators
}

/** The calibration codec every reader shares, its error turned into this file's and line's. */
function decodeCalibration(value: unknown, file: string, line: number): Calibration {
  try {
    return validateCalibration(value, 'calibration')
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    throw new CorruptHistoryError(
      file,
      line,
      `not a valid ${CALIBRATION_SCHEMA} file: ${err.message}`
    )
  }
}

function describeSchemaError(errors: ErrorObject[] | null | undefined, what: string): string {
  const e = errors?.[0]
  if (!e) return `not a valid ${what}`
  const where = e.instancePath === '' ? 'the object' : e.instancePath
  const extra = e.keyword === 'const' ? ` (${JSON.stringify(e.params.allowedValue)})` : ''
  return `not a valid ${what}: ${where} ${e.message ?? 'is invalid'}${extra}`
}

const excerpt = (text: string): string =>
  JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)

function parseJsonLine(text: string, file: string, line: number): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err)
    throw new CorruptHistoryError(file, line, `not valid JSON (${detail}): ${excerpt(text)}`)
  }
}

/** A line of a JSON Lines file that was left out because it cannot be read as written. */
interface SkippedLine {
  file: string
  line: number
  detail: string
}

/** Records read from a JSON Lines file; `skipped` names the lines that could not be read. */
type ReadLines<T> = T[] & { readonly skipped?: readonly SkippedLine[] }

/**
 * Reads a JSON Lines file. Blank lines are skipped (they carry no data); a line that is not a valid
 * document is skipped too and listed in the result's `skipped` (not enumerable, so the records
 * compare and serialise as a plain list); `file` is only used to name the file.
 */
function parseJsonLines<T>(
  text: string,
  file: string,
  decode: (value: unknown, line: number) => T
): ReadLines<T> {
  const out: T[] = []
  const skipped: SkippedLine[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '')
    if (raw.trim() === '') continue
    try {
      const value = parseJsonLine(raw, file, i + 1)
      try {
        out.push(decode(value, i + 1))
      } catch (err) {
        if (!(err instanceof CorruptHistoryError)) throw err
        throw new CorruptHistoryError(file, i + 1, `${err.detail}: ${excerpt(raw)}`)
      }
    } catch (err) {
      if (!(err instanceof CorruptHistoryError)) throw err
      skipped.push({ file, line: i + 1, detail: err.detail })
    }
  }
  return Object.defineProperty(out, 'skipped', { value: skipped, enumerable: false })
}

/** The lines a store's read left out, one sentence each, for the report's notes. */
export function describeSkippedLines(records: readonly unknown[]): string[] {
  const skipped = (records as ReadLines<unknown>).skipped ?? []
  return skipped.map(
    (s) =>
      `${s.file} line ${s.line} cannot be read and was skipped (${s.detail}); the other records were used`
  )
}

export function parseHistory(text: string, file: string): ReadLines<HistoryRecord> {
  const validate = getValidators().record
  return parseJsonLines<HistoryRecord>(text, file, (value, line) => {
    if (!validate(value))
      throw new CorruptHistoryError(
        file,
        line,
        describeSchemaError(validate.errors, `${RESULT_SCHEMA} record`)
      )
    return value as HistoryRecord
  })
}

export function parseCalibrationLog(text: string, file: string): ReadLines<Calibration> {
  return parseJsonLines(text, file, (value, line) => decodeCalibration(value, file, line))
}

/** One calibration file (pretty-printed JSON); errors name the file and line 1. */
export function parseCalibration(text: string, file: string): Calibration {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new CorruptHistoryError(
      file,
      1,
      `not valid JSON (${err instanceof Error ? err.message : String(err)})`
    )
  }
  return decodeCalibration(value, file, 1)
}

/** One line of JSON Lines, newline included. JSON.stringify never emits a raw newline. */
export function serializeLine(value: HistoryRecord | Calibration): string {
  if (value.schema === CALIBRATION_SCHEMA) {
    validateCalibration(value, 'calibration') // throws UsageError naming the field
    return `${JSON.stringify(value)}\n`
  }
  const validate = getValidators().record
  if (!validate(value)) {
    throw new UsageError(
      describeSchemaError(
        validate.errors,
        String((value as { schema?: unknown }).schema ?? 'document')
      )
    )
  }
  return `${JSON.stringify(value)}\n`
}

/**
 * The text of a JSON Lines file after appending `line`. A file that does not end with a newline
 * (a crashed writer, a hand edit) gets one first, so the new line stays intact and the reader
 * still reports the damaged line instead of a merged one.
 */
export function appendLine(existing: string, line: string): string {
  if (existing === '' || existing.endsWith('\n')) return existing + line
  return `${existing}\n${line}`
}

export const serializeCalibration = (cal: Calibration): string => {
  serializeLine(cal) // validates
  return `${JSON.stringify(cal, null, 2)}\n`
}

/**
 * Which calibration `calibration/FINGERPRINT.json` should hold: the one created last, so that two
 * writers racing (or a late upload of an old calibration) converge on the same file.
 */
export function chooseLatestCalibration(
  current: Calibration | null,
  incoming: Calibration
): Calibration {
  if (!current) return incoming
  const a = Date.parse(current.createdAt)
  const b = Date.parse(incoming.createdAt)
  if (Number.isNaN(a)) return incoming
  if (Number.isNaN(b)) return current
  return b >= a ? incoming : current
}
