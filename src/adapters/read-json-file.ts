// Reads and parses one JSON file; every failure names the file, so a user with three
// --measurement flags knows which one is wrong.
import { readFile } from 'node:fs/promises'
import { UsageError } from '../core/errors.js'

export async function readJsonFile(path: string, what = 'file'): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : String((error as Error).message)
    throw new UsageError(`${what} ${path}: cannot read (${reason})`)
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new UsageError(`${what} ${path}: not valid JSON (${(error as Error).message})`)
  }
}
