// What nvidia-smi can tell, learnt once per probe: the GPUs, the visible selection, the power field
// and whether readings can carry nvidia-smi's own timestamp. The real tool answers
// `--help-query-gpu`; a minimal emulator (external checks drive JOULEGATE_NVIDIA_SMI with their
// own) may not, or may know only a few fields, so every step degrades instead of giving up.
import {
  buildGpuListQueries,
  choosePowerField,
  parseGpuListCsv,
  parseHelpQueryGpu,
  parseMigParents,
  POWER_FIELDS,
  selectVisibleGpus,
  type GpuSelection,
  type NvidiaGpuInfo
} from './parse.js'
import type { SensorEnv } from '../sensor.js'
import { runOneShot, type OneShotResult } from '../../adapters/process.js'

/** What the probe learnt once; shared with the NVML sensor so nvidia-smi is asked only once. */
export interface NvidiaInventory {
  all: NvidiaGpuInfo[]
  selection: GpuSelection
  powerField: string | null
  /** the loop may ask for `timestamp` (listed by the help, or a one-shot query of it worked) */
  timestamp: boolean
  driver: string | null
}

type RunResult = OneShotResult

/**
 * How long one nvidia-smi probe may take. A healthy driver answers in well under a second (the
 * first call on a host without persistence mode in a few); a hung one never does.
 */
const NVIDIA_SMI_PROBE_TIMEOUT_MS = 8000

/** A probe that did not answer in time: nvidia-smi is unusable for this run. */
class ProbeTimeout extends Error {}

/** Runs one probe; throws ProbeTimeout when it hangs (caught once, in listNvidiaGpus). */
async function runNvidiaSmi(env: SensorEnv, args: string[]): Promise<RunResult> {
  const ms = env.probeTimeoutMs ?? NVIDIA_SMI_PROBE_TIMEOUT_MS
  const r = await runOneShot(env.nvidiaSmi, args, ms)
  if (r.code === 'ETIMEDOUT')
    throw new ProbeTimeout(
      `nvidia-smi (${env.nvidiaSmi} ${args.join(' ')}) did not answer within ${ms / 1000} s and was killed (a hung driver?): no NVIDIA GPU measured`
    )
  return r
}

const outputOf = (r: RunResult): string =>
  (r.stdout + '\n' + r.stderr).trim().split(/\r?\n/).slice(0, 3).join(' / ')

function describeFailure(env: SensorEnv, args: string[], r: RunResult): string {
  const out = outputOf(r)
  return `nvidia-smi (${env.nvidiaSmi} ${args.join(' ')}) failed with ${r.code}${out ? `: ${out}` : ''}`
}

const oneShot = (field: string): string[] => [
  `--query-gpu=${field}`,
  '--format=csv,noheader,nounits'
]

/** The first power field a one-shot query accepts, for a tool whose help says nothing usable. */
async function probePowerField(env: SensorEnv): Promise<string | null> {
  for (const field of POWER_FIELDS) {
    if ((await runNvidiaSmi(env, oneShot(`index,${field}`))).code === 0) return field
  }
  return null
}

/**
 * Lists the GPUs, trying ever fewer fields (uuid, bus id, driver and limit are optional). Null
 * and one notice quoting the first failure when even `index` is refused, or when the failure is
 * the help's own (a broken driver, not a field problem: no point in simpler queries).
 */
async function queryGpuList(
  env: SensorEnv,
  helpFields: ReadonlySet<string> | null,
  helpFailure: string | null
): Promise<{ all: NvidiaGpuInfo[]; fields: string[] } | { failure: string }> {
  let first: string | null = null
  for (const fields of buildGpuListQueries(helpFields)) {
    const args = [`--query-gpu=${fields.join(',')}`, '--format=csv']
    const r = await runNvidiaSmi(env, args)
    if (r.code === 0) return { all: parseGpuListCsv(r.stdout, fields), fields }
    first ??= describeFailure(env, args, r)
    if (helpFailure !== null && outputOf(r) === helpFailure) break
    if (fields.length > 1) continue
    return { failure: `${first}; simpler queries down to --query-gpu=index failed too` }
  }
  return { failure: first ?? 'nvidia-smi answered no GPU listing' }
}

type Listing = { inventory: NvidiaInventory | null; notices: string[] }

/**
 * Lists NVIDIA GPUs and the visible selection; null (with the reason) when nvidia-smi is absent,
 * fails or hangs (any probe that does not answer in time ends the probing).
 */
export async function listNvidiaGpus(env: SensorEnv): Promise<Listing> {
  try {
    return await probeNvidiaSmi(env)
  } catch (error) {
    if (error instanceof ProbeTimeout) return { inventory: null, notices: [error.message] }
    throw error
  }
}

async function probeNvidiaSmi(env: SensorEnv): Promise<Listing> {
  const help = await runNvidiaSmi(env, ['--help-query-gpu'])
  if (help.code === 'ENOENT') {
    return {
      inventory: null,
      notices: [
        `nvidia-smi not found ("${env.nvidiaSmi}", set JOULEGATE_NVIDIA_SMI): no NVIDIA GPU measured`
      ]
    }
  }
  const parsed = help.code === 0 ? parseHelpQueryGpu(help.stdout) : new Set<string>()
  const helpFields = parsed.size > 0 ? parsed : null
  const list = await queryGpuList(env, helpFields, help.code === 0 ? null : outputOf(help))
  if ('failure' in list) return { inventory: null, notices: [list.failure] }
  const notices: string[] = []
  if (helpFields === null) {
    notices.push(
      help.code === 0
        ? 'nvidia-smi --help-query-gpu lists no field: power and timestamp fields were probed one by one'
        : `${describeFailure(env, ['--help-query-gpu'], help)}; power and timestamp fields were probed one by one`
    )
  }
  const { all } = list
  let migParents = new Map<string, string>()
  const cvd = env.cudaVisibleDevices ?? ''
  if (/(^|,)\s*(GPU|MIG)-/.test(cvd) && !list.fields.includes('uuid')) {
    notices.push(
      `nvidia-smi does not report GPU UUIDs: the UUID entries of CUDA_VISIBLE_DEVICES="${cvd}" cannot be matched`
    )
  }
  if (/(^|,)\s*MIG-(?!GPU-)/.test(cvd)) {
    const l = await runNvidiaSmi(env, ['-L'])
    if (l.code === 0) migParents = parseMigParents(l.stdout)
    else notices.push(describeFailure(env, ['-L'], l))
  }
  const selection = selectVisibleGpus(all, env.cudaVisibleDevices, migParents, env.cudaDeviceOrder)
  notices.push(...selection.notes)
  const listed = helpFields === null ? null : choosePowerField(helpFields)
  const powerField = listed ?? (all.length > 0 ? await probePowerField(env) : null)
  if (powerField === null)
    notices.push(
      `nvidia-smi knows none of ${POWER_FIELDS.join(', ')} (neither --help-query-gpu nor a one-shot query)`
    )
  else if (helpFields !== null && listed === null)
    notices.push(`nvidia-smi --help-query-gpu lists no power field, but ${powerField} answered`)
  const timestamp =
    helpFields !== null
      ? helpFields.has('timestamp')
      : powerField !== null &&
        (await runNvidiaSmi(env, ['--query-gpu=timestamp', '--format=csv,noheader'])).code === 0
  if (powerField !== null && !timestamp)
    notices.push(
      'nvidia-smi has no timestamp field: readings are placed at their arrival through a pipe (more wake-ups than the file it writes otherwise)'
    )
  return {
    inventory: { all, selection, powerField, timestamp, driver: all[0]?.driver ?? null },
    notices
  }
}
