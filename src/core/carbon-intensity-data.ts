// Annual average carbon intensity of electricity generation, gCO2e/kWh, year 2023.
// Dataset: "Carbon intensity of electricity generation", Our World in Data, data from Ember and the
// Energy Institute (ourworldindata.org/grapher/carbon-intensity-electricity, table view, 2023
// column). World, Norway, Poland and Sweden: Ember's 2023 figures (Ember, Global Electricity Review 2024, as
// quoted by Statista). Countries whose 2023 value could not be read from these sources are left
// out rather than guessed; set `carbon-intensity` to a number for them.

interface CarbonIntensityEntry {
  alpha2: string
  alpha3: string
  name: string
  gramsPerKwh: number
}

export const CARBON_DATASET =
  'Ember and Energy Institute via Our World in Data, "Carbon intensity of electricity generation"'
export const CARBON_YEAR = 2023

export const WORLD_INTENSITY: CarbonIntensityEntry = {
  alpha2: 'WORLD',
  alpha3: 'OWID_WRL',
  name: 'World average',
  gramsPerKwh: 481
}

export const CARBON_INTENSITY_2023: readonly CarbonIntensityEntry[] = [
  { alpha2: 'AR', alpha3: 'ARG', name: 'Argentina', gramsPerKwh: 354 },
  { alpha2: 'AU', alpha3: 'AUS', name: 'Australia', gramsPerKwh: 549 },
  { alpha2: 'AT', alpha3: 'AUT', name: 'Austria', gramsPerKwh: 111 },
  { alpha2: 'BD', alpha3: 'BGD', name: 'Bangladesh', gramsPerKwh: 691 },
  { alpha2: 'BE', alpha3: 'BEL', name: 'Belgium', gramsPerKwh: 138 },
  { alpha2: 'BO', alpha3: 'BOL', name: 'Bolivia', gramsPerKwh: 532 },
  { alpha2: 'BA', alpha3: 'BIH', name: 'Bosnia and Herzegovina', gramsPerKwh: 600 },
  { alpha2: 'BR', alpha3: 'BRA', name: 'Brazil', gramsPerKwh: 98 },
  { alpha2: 'BG', alpha3: 'BGR', name: 'Bulgaria', gramsPerKwh: 335 },
  { alpha2: 'CA', alpha3: 'CAN', name: 'Canada', gramsPerKwh: 170 },
  { alpha2: 'CL', alpha3: 'CHL', name: 'Chile', gramsPerKwh: 291 },
  { alpha2: 'CN', alpha3: 'CHN', name: 'China', gramsPerKwh: 582 },
  { alpha2: 'CO', alpha3: 'COL', name: 'Colombia', gramsPerKwh: 260 },
  { alpha2: 'CR', alpha3: 'CRI', name: 'Costa Rica', gramsPerKwh: 53 },
  { alpha2: 'HR', alpha3: 'HRV', name: 'Croatia', gramsPerKwh: 205 },
  { alpha2: 'CY', alpha3: 'CYP', name: 'Cyprus', gramsPerKwh: 534 },
  { alpha2: 'CZ', alpha3: 'CZE', name: 'Czechia', gramsPerKwh: 450 },
  { alpha2: 'DK', alpha3: 'DNK', name: 'Denmark', gramsPerKwh: 152 },
  { alpha2: 'EC', alpha3: 'ECU', name: 'Ecuador', gramsPerKwh: 150 },
  { alpha2: 'EG', alpha3: 'EGY', name: 'Egypt', gramsPerKwh: 570 },
  { alpha2: 'SV', alpha3: 'SLV', name: 'El Salvador', gramsPerKwh: 271 },
  { alpha2: 'EE', alpha3: 'EST', name: 'Estonia', gramsPerKwh: 417 },
  { alpha2: 'FI', alpha3: 'FIN', name: 'Finland', gramsPerKwh: 79 },
  { alpha2: 'FR', alpha3: 'FRA', name: 'France', gramsPerKwh: 56 },
  { alpha2: 'GE', alpha3: 'GEO', name: 'Georgia', gramsPerKwh: 168 },
  { alpha2: 'DE', alpha3: 'DEU', name: 'Germany', gramsPerKwh: 381 },
  { alpha2: 'GR', alpha3: 'GRC', name: 'Greece', gramsPerKwh: 337 },
  { alpha2: 'HU', alpha3: 'HUN', name: 'Hungary', gramsPerKwh: 204 },
  { alpha2: 'IN', alpha3: 'IND', name: 'India', gramsPerKwh: 713 },
  { alpha2: 'IR', alpha3: 'IRN', name: 'Iran', gramsPerKwh: 655 },
  { alpha2: 'IE', alpha3: 'IRL', name: 'Ireland', gramsPerKwh: 291 },
  { alpha2: 'NO', alpha3: 'NOR', name: 'Norway', gramsPerKwh: 30 },
  // Poland and Sweden: Ember's 2023 EU figures (lifecycle, as quoted by Statista)
  { alpha2: 'PL', alpha3: 'POL', name: 'Poland', gramsPerKwh: 662 },
  { alpha2: 'SE', alpha3: 'SWE', name: 'Sweden', gramsPerKwh: 40.7 }
]
