// Reads input files for the CLI; every failure names the input, the file and what was expected,
// so a user with three --measurement flags knows which one is wrong.
import { readFile, stat } from 'node:fs/promises'
import { UsageError, describeBadValue } from '../core/errors.js'
import { MAX_JSON_BYTES, checkFileSize, checkNesting } from '../core/input-limits.js'

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return 'no such file'
  if (code === 'EISDIR') return 'is a directory'
  return code ?? String((error as Error).message)
}

/** The file's text; `input` names the flag or argument, `expected` what it should be. */
export async function readTextFile(path: string, input: string, expected: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    throw new UsageError(describeBadValue(input, path, `${expected} (${describeReadError(error)})`))
  }
}

export async function readJsonFile(path: string, what = 'file'): Promise<unknown> {
  let text: string
  try {
    // a wrong file (a log, a dataset) is refused by its size before it is read into memory
    checkFileSize((await stat(path)).size, MAX_JSON_BYTES, `${what} ${path}`, `joulegate ${what}`)
    text = await readFile(path, 'utf8')
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`${what} ${path}: cannot read (${describeReadError(error)})`)
  }
  let value: unknown
  try {
    value = JSON.parse(text) as unknown
  } catch (error) {
    const message = (error as Error).message
    throw new UsageError(
      `${what} ${path}: not valid JSON (${message.length > 120 ? `${message.slice(0, 119)}…` : message})`
    )
  }
  checkNesting(value, `${what} ${path}`)
  return value
}
