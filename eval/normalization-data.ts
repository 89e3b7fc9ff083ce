// Real cross-GPU data as joulegate would record it: per GPU, one calibration point or measurement
// per workload. Zeus NSDI'23 (training, 4 GPUs) and the ML.ENERGY leaderboard v3 (inference, H100/B200).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { CALIBRATION_SCHEMA, MEASUREMENT_SCHEMA } from '../src/core/types.js'

export interface Run {
  workload: string
  energyJ: number
  durationS: number
  /** total over the GPUs the workload used */
  meanPowerW: number
  gpuCount: number
  powerLimitW: number
  params?: number
  /** the workload family: Zeus dataset/network, ML.ENERGY model */
  family: string
  /** ML.ENERGY task (reported per task) */
  task?: string
}

export interface Dataset {
  name: string
  /** gpu -> workload -> run */
  gpus: Map<string, Map<string, Run>>
  description: string
}

const datasets = (): string => path.resolve('..', 'shared', 'datasets')

const readCsv = (file: string): Record<string, string>[] =>
  parse(readFileSync(path.join(datasets(), file), 'utf8'), {
    columns: true,
    skip_empty_lines: true
  })

/** Zeus: each GPU at its maximum power limit (the default setting); a workload is one configuration. */
export function loadZeus(): Dataset {
  const rows = readCsv('zeus_nsdi23_power_trace_4gpus.csv')
  const maxLimit = new Map<string, number>()
  for (const r of rows)
    maxLimit.set(r.gpu, Math.max(maxLimit.get(r.gpu) ?? 0, Number(r.power_limit_w)))
  const gpus = new Map<string, Map<string, Run>>()
  for (const r of rows) {
    const limit = Number(r.power_limit_w)
    if (limit !== maxLimit.get(r.gpu)) continue
    const durationS = Number(r.time_per_epoch_s)
    const meanPowerW = Number(r.average_power_w)
    const workload = `${r.dataset}/${r.network}/b${r.batch_size}/${r.optimizer}`
    if (!gpus.has(r.gpu)) gpus.set(r.gpu, new Map())
    gpus.get(r.gpu)!.set(workload, {
      workload,
      energyJ: durationS * meanPowerW, // one epoch: time_per_epoch × average power (SOURCES.md)
      durationS,
      meanPowerW,
      gpuCount: 1,
      powerLimitW: limit,
      family: `${r.dataset}/${r.network}`
    })
  }
  return { name: 'Zeus NSDI’23 (training, one epoch, max power limit)', gpus, description: 'zeus' }
}

const ML_KEY = [
  'model_id',
  'task',
  'num_gpus',
  'tensor_parallel',
  'data_parallel',
  'expert_parallel',
  'ring_degree',
  'ulysses_degree',
  'max_num_seqs',
  'batch_size',
  'inference_steps',
  'image_height',
  'image_width',
  'num_frames'
]
/** Board power limits (W) of the SXM parts the leaderboard uses. */
const ML_LIMIT: Record<string, number> = { H100: 700, B200: 1000 }
/** A fixed amount of output per configuration, so the work is the same on both GPUs. */
const ML_UNITS = { token: 100_000, image: 100, video: 10 }

/** ML.ENERGY: a workload is one serving configuration producing a fixed amount of output. */
export function loadMlEnergy(): Dataset {
  const rows = readCsv('mlenergy_leaderboard_v3_inference_h100_b200.csv')
  const gpus = new Map<string, Map<string, Run>>()
  const duplicate = new Set<string>()
  for (const r of rows) {
    const workload = ML_KEY.map((k) => r[k]).join('|')
    let perUnitJ: number
    let throughput: number
    let units: number
    if (r.energy_per_token_joules) {
      ;[perUnitJ, throughput, units] = [
        Number(r.energy_per_token_joules),
        Number(r.output_throughput_tokens_per_sec),
        ML_UNITS.token
      ]
    } else if (r.energy_per_image_joules) {
      ;[perUnitJ, throughput, units] = [
        Number(r.energy_per_image_joules),
        Number(r.throughput_images_per_sec),
        ML_UNITS.image
      ]
    } else {
      ;[perUnitJ, throughput, units] = [
        Number(r.energy_per_video_joules),
        Number(r.throughput_videos_per_sec),
        ML_UNITS.video
      ]
    }
    const gpuCount = Number(r.num_gpus)
    if (!gpus.has(r.gpu_model)) gpus.set(r.gpu_model, new Map())
    const byWorkload = gpus.get(r.gpu_model)!
    if (byWorkload.has(workload)) duplicate.add(`${r.gpu_model}:${workload}`)
    byWorkload.set(workload, {
      workload,
      energyJ: perUnitJ * units,
      durationS: units / throughput,
      meanPowerW: Number(r.avg_power_watts), // summed over the GPUs (it exceeds one GPU's limit)
      gpuCount,
      powerLimitW: ML_LIMIT[r.gpu_model] * gpuCount,
      params: Number(r.total_params_billions) * 1e9,
      family: r.model_id,
      task: r.task
    })
  }
  // a configuration listed twice is ambiguous: leave it out rather than pick one
  for (const d of duplicate) {
    const [gpu, ...rest] = d.split(':')
    gpus.get(gpu)!.delete(rest.join(':'))
  }
  return {
    name: 'ML.ENERGY leaderboard v3 (inference, fixed output)',
    gpus,
    description: 'mlenergy'
  }
}

/** The calibration file calibrate would write for these runs on this GPU: contract fields only. */
export function toCalibrationJson(gpu: string, runs: Run[]): unknown {
  const limit = Math.min(...runs.map((r) => r.powerLimitW / r.gpuCount))
  return {
    schema: CALIBRATION_SCHEMA,
    createdAt: '2026-11-27T00:00:00.000Z',
    kind: 'full',
    host: { fingerprint: `eval-${gpu}`, cpu: 'unknown', gpus: [{ name: gpu, powerLimitW: limit }] },
    idlePowerW: null,
    points: runs.map((r) => ({
      workload: r.workload,
      energyJ: r.energyJ,
      durationS: r.durationS,
      meanPowerW: r.meanPowerW,
      gpuCount: r.gpuCount,
      powerLimitW: r.powerLimitW,
      family: r.family,
      ...(r.params ? { params: r.params } : {})
    }))
  }
}

/** The measurement file measure would write: one GPU component per device used. */
export function toMeasurementJson(gpu: string, run: Run, family?: string): unknown {
  const each = run.meanPowerW / run.gpuCount
  return {
    schema: MEASUREMENT_SCHEMA,
    command: run.workload,
    exitCode: 0,
    startedAt: '2026-11-27T00:00:00.000Z',
    durationS: run.durationS,
    energyJ: run.energyJ,
    idlePowerW: null,
    netEnergyJ: null,
    components: Array.from({ length: run.gpuCount }, (_, i) => ({
      id: `gpu${i}`,
      kind: 'gpu',
      name: gpu,
      method: 'power-integration',
      source: 'dataset',
      energyJ: each * run.durationS,
      meanPowerW: each,
      powerLimitW: run.powerLimitW / run.gpuCount
    })),
    metrics: run.params ? { params: run.params } : {},
    progress: [],
    host: { fingerprint: `eval-${gpu}`, cpu: 'unknown', gpus: [gpu] },
    ...(family === undefined ? {} : { family })
  }
}
