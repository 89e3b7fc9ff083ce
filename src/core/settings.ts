// The one place where flags (CLI) and inputs (action) become a typed, validated Settings object.
// Names are the action's input names (contract); the CLI maps its flags onto the same names.
import { UsageError, describeBadValue } from './errors.js'
import { validateSeriesName } from './series-name.js'

/** The local history folder when no --store or store input names one (also where `measure`
 *  keeps its default file): hidden, per repository, easy to ignore in git. */
export const DEFAULT_STORE_DIR = '.joulegate'

export const INPUTS = {
  mode: 'mode',
  command: 'command',
  name: 'name',
  repeat: 'repeat',
  budgetFile: 'budget-file',
  githubToken: 'github-token',
  comment: 'comment',
  dataBranch: 'data-branch',
  failOnBudget: 'fail-on-budget',
  idleSeconds: 'idle-seconds',
  carbonIntensity: 'carbon-intensity',
  pue: 'pue',
  workingDirectory: 'working-directory',
  resultFile: 'result-file',
  intervalMs: 'interval-ms',
  store: 'store',
  record: 'record',
  reportFile: 'report-file',
  out: 'out',
  trustedCode: 'trusted-code',
  commentAuthor: 'comment-author',
  calibration: 'calibration',
  referenceCalibration: 'reference-calibration',
  prometheusUrl: 'prometheus-url',
  prometheusSelector: 'prometheus-selector',
  calibrationRuns: 'calibration-runs',
  calibrationCooldownSeconds: 'calibration-cooldown-seconds',
  quick: 'quick'
} as const

/** The action's outputs (contract names); action.yml declares exactly these. */
export const OUTPUTS = {
  verdict: 'verdict',
  energyKwh: 'energy-kwh',
  normalizedEnergyKwh: 'normalized-energy-kwh',
  energyDeltaPercent: 'energy-delta-percent',
  co2Grams: 'co2-grams',
  report: 'report',
  result: 'result'
} as const

export type InputName = (typeof INPUTS)[keyof typeof INPUTS]
/** Raw strings as they arrive (action inputs, or CLI flags mapped to input names); '' means unset. */
export type RawSettings = Partial<Record<InputName, string>>

const MODES = ['check', 'record', 'calibrate', 'report'] as const
type Mode = (typeof MODES)[number]

export interface Settings {
  mode: Mode
  command: string | null
  name: string
  repeat: number
  budgetFile: string
  githubToken: string | null
  comment: 'always' | 'never'
  dataBranch: string
  failOnBudget: boolean
  idleSeconds: number
  /** gCO2e/kWh, or an ISO 3166 alpha-2/alpha-3 country code; null: world average */
  carbonIntensity: number | string | null
  pue: number
  workingDirectory: string | null
  resultFile: string | null
  intervalMs: number
  store: string | null
  record: boolean
  reportFile: string | null
  out: string | null
  trustedCode: boolean
  commentAuthor: string | null
  calibration: string | null
  referenceCalibration: string | null
  /** the cluster's Prometheus (cluster contract); the shells fall back to JOULEGATE_PROMETHEUS_URL */
  prometheusUrl: string | null
  /** PromQL label matchers applied to every cluster query */
  prometheusSelector: string | null
  /** calibrate: runs of each workload (their spread is the runner's noise floor) */
  calibrationRuns: number
  /** calibrate: pause between two runs of a workload, so the next starts from a cooler device */
  calibrationCooldownSeconds: number
  /** calibrate: the suite's small scale, a smoke run that is never the runner's calibration */
  quick: boolean
}

export const DEFAULTS = {
  mode: 'check',
  name: 'default',
  repeat: 1,
  budgetFile: '.github/joulegate.yml',
  comment: 'always',
  dataBranch: 'joulegate-data',
  failOnBudget: true,
  idleSeconds: 10,
  pue: 1.0,
  intervalMs: 100
} as const

/**
 * Calibration runs and pauses. A quick calibration is a smoke run (tests, a first try on a new
 * runner): one second of idle power and no pause are enough to see that every workload runs.
 */
export const CALIBRATE = {
  runs: 3,
  maxRuns: 50,
  cooldownSeconds: 5,
  maxCooldownSeconds: 600,
  quick: false,
  quickCooldownSeconds: 0,
  quickIdleSeconds: 1
} as const

const get = (raw: RawSettings, name: InputName): string | null => {
  const v = raw[name]
  return v === undefined || v.trim() === '' ? null : v.trim()
}

export function parseIntegerSetting(
  name: string,
  value: string | null,
  fallback: number,
  min: number,
  max: number
): number {
  if (value === null) return fallback
  if (!/^[+]?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(describeBadValue(name, value, `a whole number from ${min} to ${max}`))
  }
  return Number(value)
}

function parseNumberSetting(
  name: string,
  value: string | null,
  fallback: number,
  min: number,
  max: number
): number {
  if (value === null) return fallback
  const n = Number(value)
  if (
    !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) ||
    !Number.isFinite(n) ||
    n < min ||
    n > max
  ) {
    throw new UsageError(describeBadValue(name, value, `a number from ${min} to ${max}`))
  }
  return n
}

function parseBooleanSetting(name: string, value: string | null, fallback: boolean): boolean {
  if (value === null) return fallback
  const v = value.toLowerCase()
  if (['true', 'yes', '1', 'on'].includes(v)) return true
  if (['false', 'no', '0', 'off'].includes(v)) return false
  throw new UsageError(describeBadValue(name, value, 'true or false'))
}

function parseChoice<T extends string>(
  name: string,
  value: string | null,
  choices: readonly T[],
  fallback: T
): T {
  if (value === null) return fallback
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(describeBadValue(name, value, `one of ${choices.join(', ')}`))
  }
  return value as T
}

function parseCarbonIntensity(name: string, value: string | null): number | string | null {
  if (value === null) return null
  if (/^[A-Za-z]{2,3}$/.test(value)) return value.toUpperCase()
  return parseNumberSetting(name, value, 0, 0, 5000)
}

export function parseSeriesName(name: string, value: string | null): string {
  return value === null ? DEFAULTS.name : validateSeriesName(value, name)
}

// Branches whose history is the project's own: history written there would land in the code.
const CODE_BRANCHES = ['main', 'master']

/**
 * The branch history is written to. It must be a name `git check-ref-format --branch` accepts
 * (kept to a plain character set so it is never read as an option or a revision expression), and
 * never a branch that holds code: `HEAD` or `main`/`master`, compared without case because a
 * macOS or Windows runner's refs folder does not tell `Main` from `main`. The event's own default,
 * head and base branches are refused where the event is known (the action's run policy).
 */
export function parseDataBranch(name: string, value: string | null): string {
  if (value === null) return DEFAULTS.dataBranch
  const components = value.split('/')
  const wellFormed =
    value.length <= 200 &&
    /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(value) &&
    !/\.\.|\.$/.test(value) &&
    components.every((c) => c !== '' && !c.startsWith('.') && !c.endsWith('.lock'))
  if (!wellFormed) {
    throw new UsageError(
      describeBadValue(
        name,
        value,
        'a git branch name such as joulegate-data (letters, digits, ".", "_", "-" and "/" between parts; no "..", no part starting with "." or ending in ".lock")'
      )
    )
  }
  if (
    value === 'HEAD' ||
    value.startsWith('refs/') ||
    CODE_BRANCHES.includes(value.toLowerCase())
  ) {
    throw new UsageError(
      `${describeBadValue(name, value, 'a branch of its own for history, such as joulegate-data')}: HEAD, refs/… and ${CODE_BRANCHES.join('/')} name the code's branches, and history written there would land on top of the code`
    )
  }
  return value
}

function parsePrometheusUrl(name: string, value: string | null): string | null {
  if (value === null) return null
  let ok: boolean
  try {
    const u = new URL(value)
    ok =
      (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === ''
  } catch {
    ok = false
  }
  // credentials in the URL would be printed with it: the token goes in JOULEGATE_PROMETHEUS_TOKEN
  const shown = value.replace(/\/\/[^/@]*@/, '//…@').slice(0, 200)
  if (!ok)
    throw new UsageError(
      describeBadValue(
        name,
        shown,
        'an http(s) URL of a Prometheus server such as http://prometheus:9090, without credentials (the token goes in JOULEGATE_PROMETHEUS_TOKEN)'
      )
    )
  return value
}

/** Validates every raw value; the first bad one throws a UsageError naming input, value and expectation. */
export function parseSettings(
  raw: RawSettings,
  labels: Partial<Record<InputName, string>> = {}
): Settings {
  const n = (name: InputName): string => labels[name] ?? name
  const quick = parseBooleanSetting(n(INPUTS.quick), get(raw, INPUTS.quick), CALIBRATE.quick)
  return {
    mode: parseChoice(n(INPUTS.mode), get(raw, INPUTS.mode), MODES, DEFAULTS.mode),
    command: get(raw, INPUTS.command),
    name: parseSeriesName(n(INPUTS.name), get(raw, INPUTS.name)),
    repeat: parseIntegerSetting(n(INPUTS.repeat), get(raw, INPUTS.repeat), DEFAULTS.repeat, 1, 100),
    budgetFile: get(raw, INPUTS.budgetFile) ?? DEFAULTS.budgetFile,
    githubToken: get(raw, INPUTS.githubToken),
    comment: parseChoice(
      n(INPUTS.comment),
      get(raw, INPUTS.comment),
      ['always', 'never'] as const,
      DEFAULTS.comment
    ),
    dataBranch: parseDataBranch(n(INPUTS.dataBranch), get(raw, INPUTS.dataBranch)),
    failOnBudget: parseBooleanSetting(
      n(INPUTS.failOnBudget),
      get(raw, INPUTS.failOnBudget),
      DEFAULTS.failOnBudget
    ),
    idleSeconds: parseNumberSetting(
      n(INPUTS.idleSeconds),
      get(raw, INPUTS.idleSeconds),
      quick ? CALIBRATE.quickIdleSeconds : DEFAULTS.idleSeconds,
      0,
      3600
    ),
    carbonIntensity: parseCarbonIntensity(
      n(INPUTS.carbonIntensity),
      get(raw, INPUTS.carbonIntensity)
    ),
    pue: parseNumberSetting(n(INPUTS.pue), get(raw, INPUTS.pue), DEFAULTS.pue, 1, 5),
    workingDirectory: get(raw, INPUTS.workingDirectory),
    resultFile: get(raw, INPUTS.resultFile),
    intervalMs: parseIntegerSetting(
      n(INPUTS.intervalMs),
      get(raw, INPUTS.intervalMs),
      DEFAULTS.intervalMs,
      10,
      60000
    ),
    store: get(raw, INPUTS.store),
    record: parseBooleanSetting(n(INPUTS.record), get(raw, INPUTS.record), false),
    reportFile: get(raw, INPUTS.reportFile),
    out: get(raw, INPUTS.out),
    trustedCode: parseBooleanSetting(n(INPUTS.trustedCode), get(raw, INPUTS.trustedCode), false),
    commentAuthor: get(raw, INPUTS.commentAuthor),
    calibration: get(raw, INPUTS.calibration),
    referenceCalibration: get(raw, INPUTS.referenceCalibration),
    prometheusUrl: parsePrometheusUrl(n(INPUTS.prometheusUrl), get(raw, INPUTS.prometheusUrl)),
    prometheusSelector: get(raw, INPUTS.prometheusSelector),
    calibrationRuns: parseIntegerSetting(
      n(INPUTS.calibrationRuns),
      get(raw, INPUTS.calibrationRuns),
      CALIBRATE.runs,
      1,
      CALIBRATE.maxRuns
    ),
    calibrationCooldownSeconds: parseNumberSetting(
      n(INPUTS.calibrationCooldownSeconds),
      get(raw, INPUTS.calibrationCooldownSeconds),
      quick ? CALIBRATE.quickCooldownSeconds : CALIBRATE.cooldownSeconds,
      0,
      CALIBRATE.maxCooldownSeconds
    ),
    quick
  }
}
