// Finds the two calibrations normalisation needs (this runner's, the reference's) and applies
// them. Missing calibration is not an error: the report then compares measured energy and says so.
import { resolve } from 'node:path'
import { readJsonFile } from '../adapters/read-json-file.js'
import type { HistoryStore } from '../adapters/store/store.js'
import {
  calibrationKindOf,
  normalizeMeasurement,
  validateCalibration
} from '../core/normalize/index.js'
import type { Calibration, Measurement, Normalization } from '../core/types.js'

interface CalibrationSources {
  cwd: string
  /** --calibration / input `calibration`: this runner's calibration file, overriding the store */
  localFile: string | null
  /** --reference-calibration / input: the reference scale; null: none configured */
  referenceFile: string | null
  store: HistoryStore
}

interface CalibrationPair {
  local: Calibration | null
  reference: Calibration | null
  notes: string[]
}

export async function readCalibrationFile(
  cwd: string,
  file: string,
  what: string
): Promise<Calibration> {
  return validateCalibration(await readJsonFile(resolve(cwd, file), what), file)
}

/**
 * The runner's calibration from the store: the newest full one. A quick (smoke-run) calibration
 * that an older version stored as the latest is passed over, never used to normalise.
 */
async function readStoredCalibration(
  fingerprint: string,
  store: HistoryStore,
  notes: string[]
): Promise<Calibration | null> {
  const latest = await store.readCalibration(fingerprint)
  if (!latest || calibrationKindOf(latest) !== 'quick') return latest
  const time = (c: Calibration): number => Date.parse(c.createdAt) || 0
  const usable = (await store.readCalibrationLog(fingerprint))
    .filter((c) => calibrationKindOf(c) !== 'quick')
    .sort((a, b) => time(a) - time(b))
  const chosen = usable[usable.length - 1] ?? null
  notes.push(
    `the newest calibration of this runner in ${store.description} is a quick one (a smoke run); ${chosen ? `used the full one of ${chosen.createdAt}` : 'no full one exists'}`
  )
  return chosen
}

export async function findCalibrations(
  fingerprint: string,
  sources: CalibrationSources
): Promise<CalibrationPair> {
  const notes: string[] = []
  const local = sources.localFile
    ? await readCalibrationFile(sources.cwd, sources.localFile, 'calibration')
    : await readStoredCalibration(fingerprint, sources.store, notes)
  const reference = sources.referenceFile
    ? await readCalibrationFile(sources.cwd, sources.referenceFile, 'reference-calibration')
    : null
  if (!local)
    notes.push(
      `no calibration for this runner (fingerprint ${fingerprint}) in ${sources.store.description}: run mode calibrate (or joulegate calibrate) to compare across hardware`
    )
  if (!reference)
    notes.push(
      'no reference calibration configured: energies are compared as measured on this runner, not on a reference scale'
    )
  return { local, reference, notes }
}

/** The measurement on the reference scale, or null with the reason when it cannot be computed. */
export function normalizeWith(
  m: Measurement,
  pair: CalibrationPair
): { normalization: Normalization | null; note: string | null } {
  if (!pair.local || !pair.reference) return { normalization: null, note: null }
  if (m.energyJ <= 0 || m.durationS <= 0)
    return { normalization: null, note: 'the run measured no energy, so it was not normalised' }
  try {
    const r = normalizeMeasurement(pair.local, pair.reference, {
      ...(m.family === undefined ? {} : { family: m.family }),
      energyJ: m.energyJ,
      durationS: m.durationS,
      components: m.components.map((c) => ({
        kind: c.kind,
        energyJ: c.energyJ,
        meanPowerW: c.meanPowerW,
        powerLimitW: c.powerLimitW ?? null,
        method: c.method
      })),
      metrics: m.metrics
    })
    const normalization: Normalization = {
      normalizedEnergyJ: r.normalizedEnergyJ,
      interval: r.interval,
      model: r.model,
      looError: r.looError,
      pointsUsed: r.pointsUsed,
      reference: r.reference,
      ...(r.evidence === undefined ? {} : { evidence: r.evidence }),
      family: r.family ?? null,
      anchored: r.anchored ?? false
    }
    // every normalised figure says what it rests on (anchor, suite points, model, LOO error)
    const note = [`normalised energy rests on: ${r.evidence}`, ...r.notices].join('; ')
    return { normalization, note }
  } catch (error) {
    return { normalization: null, note: `not normalised: ${(error as Error).message}` }
  }
}
