// Everything a run will need at its end, checked before the training starts: a bad output path,
// carbon intensity or calibration file found after an hour of training would cost the whole run.
// Used by the CLI (measure, check) and the action (check, record); a write that fails at the end
// anyway keeps the text in a temporary file and says where.
import { constants } from 'node:fs'
import { access, mkdtemp, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { resolveCarbonIntensity } from '../core/carbon.js'
import { UsageError, describeBadValue } from '../core/errors.js'
import type { Settings } from '../core/settings.js'
import { readCalibrationFile } from './calibrations.js'

/** A file the run will write: the input that names it, its path, whether missing folders are made. */
export interface OutputTarget {
  input: string
  path: string
  createsFolders?: boolean
}

async function statOrNull(path: string) {
  try {
    return await stat(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

async function isWritable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK)
    return true
  } catch {
    return false
  }
}

/** Why `target` could not be written, or null when it can. */
async function findWriteProblem(target: OutputTarget): Promise<string | null> {
  const path = resolve(target.path)
  const existing = await statOrNull(path)
  if (existing?.isDirectory()) return 'it is a directory'
  if (existing) return (await isWritable(path)) ? null : 'it is not writable'
  let folder = dirname(path)
  let folderStat = await statOrNull(folder)
  if (!folderStat && !target.createsFolders) return `its folder ${folder} does not exist`
  while (!folderStat && dirname(folder) !== folder) {
    folder = dirname(folder)
    folderStat = await statOrNull(folder)
  }
  if (!folderStat) return `no folder above it exists`
  if (!folderStat.isDirectory()) return `${folder} is not a directory`
  return (await isWritable(folder)) ? null : `its folder ${folder} is not writable`
}

/**
 * Throws UsageError naming every problem at once: output files that cannot be written, a carbon
 * intensity that names no known grid, calibration files that are missing or invalid.
 */
export async function runPreflight(
  settings: Pick<Settings, 'carbonIntensity' | 'calibration' | 'referenceCalibration'> | null,
  options: { root: string; outputs: readonly OutputTarget[] }
): Promise<void> {
  const problems: string[] = []
  for (const target of options.outputs) {
    const why = await findWriteProblem(target).catch((e: Error) => e.message)
    if (why)
      problems.push(
        describeBadValue(target.input, target.path, `a file joulegate can write (${why})`)
      )
  }
  const attempt = async (check: () => unknown): Promise<void> => {
    try {
      await check()
    } catch (error) {
      if (!(error instanceof UsageError)) throw error
      problems.push(error.message)
    }
  }
  if (settings) {
    await attempt(() => resolveCarbonIntensity(settings.carbonIntensity))
    if (settings.calibration)
      await attempt(() => readCalibrationFile(options.root, settings.calibration!, 'calibration'))
    if (settings.referenceCalibration)
      await attempt(() =>
        readCalibrationFile(options.root, settings.referenceCalibration!, 'reference-calibration')
      )
  }
  if (problems.length > 0)
    throw new UsageError(
      `${problems.join('\n')}\n(checked before running the command: nothing ran)`
    )
}

/**
 * Writes `text` to `path`; when that fails after all (the disk filled, the folder was removed
 * during the run), keeps it in a fresh temporary file (joulegate-kept-*) and says where, so an
 * hour of training is not lost. Returns where it went, and whether that is the kept copy.
 */
export async function writeOrKeep(
  path: string,
  text: string,
  what: string,
  log: (line: string) => void
): Promise<{ path: string; kept: boolean }> {
  try {
    await writeFile(path, text)
    return { path, kept: false }
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    const dir = await mkdtemp(join(tmpdir(), 'joulegate-kept-'))
    const kept = join(dir, basename(path) || 'output')
    await writeFile(kept, text)
    log(`joulegate: could not write the ${what} to ${path} (${reason}); kept it in ${kept}`)
    return { path: kept, kept: true }
  }
}
