// Reads input files for the CLI; every failure names the input, the file and what was expected,
// so a user with three --measurement flags knows which one is wrong.
import { readFile } from 'node:fs/promises'
import { UsageError, describeBadValue } from '../core/errors.js'

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
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new UsageError(`${what} ${path}: cannot read (${describeReadError(error)})`)
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new UsageError(`${what} ${path}: not valid JSON (${(error as Error).message})`)
  }
}
