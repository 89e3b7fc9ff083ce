// gCO2e = kWh × PUE × grid intensity. The intensity is a number from the settings, or a country's
// annual average from the shipped table, or the world average when nothing is set.
import {
  CARBON_DATASET,
  CARBON_INTENSITY_2023,
  CARBON_YEAR,
  WORLD_INTENSITY
} from './carbon-intensity-data.js'
import { UsageError, describeBadValue } from './errors.js'

export interface CarbonIntensity {
  gramsPerKwh: number
  /** setting: a number given by the user; table: a country's row; world: the world average row */
  origin: 'setting' | 'table' | 'world'
  /** e.g. "France (FR)", "World average", "user setting" */
  label: string
  dataset: string | null
  year: number | null
}

export interface CarbonFigure {
  grams: number
  kwh: number
  pue: number
  intensity: CarbonIntensity
  /** always estimate: an average grid factor, not a measurement of this run's electricity */
  method: 'estimate'
}

const CARBON_SETTING = 'carbon-intensity'

/** Resolves the carbon-intensity setting; an unknown country code is a UsageError. */
export function resolveCarbonIntensity(setting: number | string | null): CarbonIntensity {
  if (setting === null) {
    return {
      gramsPerKwh: WORLD_INTENSITY.gramsPerKwh,
      origin: 'world',
      label: WORLD_INTENSITY.name,
      dataset: CARBON_DATASET,
      year: CARBON_YEAR
    }
  }
  if (typeof setting === 'number') {
    if (!Number.isFinite(setting) || setting < 0) {
      throw new UsageError(
        describeBadValue(
          CARBON_SETTING,
          setting,
          'a number of gCO2e/kWh ≥ 0, or an ISO country code'
        )
      )
    }
    return {
      gramsPerKwh: setting,
      origin: 'setting',
      label: 'user setting',
      dataset: null,
      year: null
    }
  }
  const code = setting.trim().toUpperCase()
  const row = CARBON_INTENSITY_2023.find((r) => r.alpha2 === code || r.alpha3 === code)
  if (!row) {
    const known = CARBON_INTENSITY_2023.map((r) => r.alpha2).join(', ')
    throw new UsageError(
      describeBadValue(
        CARBON_SETTING,
        setting,
        `a number of gCO2e/kWh, or an ISO 3166 country code in the shipped ${CARBON_YEAR} table (${known}; alpha-3 codes too)`
      )
    )
  }
  return {
    gramsPerKwh: row.gramsPerKwh,
    origin: 'table',
    label: `${row.name} (${row.alpha2})`,
    dataset: CARBON_DATASET,
    year: CARBON_YEAR
  }
}

export function computeCarbon(kwh: number, pue: number, intensity: CarbonIntensity): CarbonFigure {
  return { grams: kwh * pue * intensity.gramsPerKwh, kwh, pue, intensity, method: 'estimate' }
}

/** "481 gCO2e/kWh, World average (Ember and Energy Institute via …, 2023)" */
export function describeIntensity(i: CarbonIntensity): string {
  const source = i.dataset ? ` (${i.dataset}, ${i.year})` : ''
  return `${i.gramsPerKwh} gCO2e/kWh, ${i.label}${source}`
}
