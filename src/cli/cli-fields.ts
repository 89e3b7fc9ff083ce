// The fields only the CLI's commands have, beside the shared settings: the flag table names them
// (flags.ts) and the settings reader fills them (settings.ts), so both read them from here.
/** What only the CLI's commands take; null or empty: not given. */
export interface CliFields {
  /** check: judge as a pull request onto this ref */
  base: string | null
  /** calibrate (runs, pause and scale are shared settings: calibration-runs, ...) */
  suite: 'auto' | 'gpu' | 'cpu'
  workloads: string[]
  family: string | null
  noStore: boolean
  /** normalize */
  local: string | null
  reference: string | null
  measurements: string[]
  model: string | null
  baseline: string | null
  allowQuick: boolean
  json: boolean
  /** curve */
  metric: string | null
  price: number | null
  direction: 'higher' | 'lower' | null
  planned: number | null
  projectedKwh: number | null
  /** caps */
  score: string | null
  costs: string[]
  where: string[]
  label: string | null
  ewEnergy: string | null
  ewReference: string | null
  /** demo */
  keep: boolean
  /** dashboard */
  outDir: string | null
  series: string[]
  dashboardBranch: string | null
  remote: string | null
  repoUrl: string | null
  /** workload */
  hidden: number | null
  epochs: number | null
  samples: number | null
  seed: number | null
}

export const CLI_DEFAULTS: CliFields = {
  base: null,
  suite: 'auto',
  workloads: [],
  family: null,
  noStore: false,
  local: null,
  reference: null,
  measurements: [],
  model: null,
  baseline: null,
  allowQuick: false,
  json: false,
  metric: null,
  price: null,
  direction: null,
  planned: null,
  projectedKwh: null,
  score: null,
  costs: [],
  where: [],
  label: null,
  ewEnergy: null,
  ewReference: null,
  keep: false,
  outDir: null,
  series: [],
  dashboardBranch: null,
  remote: null,
  repoUrl: null,
  hidden: null,
  epochs: null,
  samples: null,
  seed: null
}
