// A store of the real layout (history/*.jsonl, calibration/*.jsonl) written through FolderStore,
// with two series, two GPU runners, normalised and unnormalised records, metrics, reserved keys
// and calibration drift: what a repository has after some weeks of joulegate on main. Branch
// names carry markup by default, since records are written from branches anyone can name; the
// documentation's screenshot asks for ordinary branch names instead.
import { openFolderStore } from '../../src/adapters/store/folder-backend.js'
import { serializeLine } from '../../src/core/history/history.js'
import { createRng } from '../../src/core/random.js'
import {
  CALIBRATION_SCHEMA,
  MEASUREMENT_SCHEMA,
  RESULT_SCHEMA,
  type Calibration,
  type HistoryRecord
} from '../../src/core/types.js'
import { appendFile, mkdir } from 'node:fs/promises'
import path from 'node:path'

export const HOSTILE_BRANCH = '<img src=x onerror="window.__owned=1">'
const FEATURE_BRANCH = 'specaugment-mixup'

const RUNNERS = [
  { fingerprint: 'h100a1b2c3d4e5f6', gpu: 'NVIDIA H100 80GB HBM3', watts: 450 },
  { fingerprint: 'a40f6e5d4c3b2a10', gpu: 'NVIDIA A40', watts: 250 }
] as const

export interface FixtureCounts {
  /** records per series and runner fingerprint */
  records: Record<string, Record<string, number>>
  /** calibrations per fingerprint */
  calibrations: Record<string, number>
}

function makeRecord(
  series: string,
  i: number,
  runner: (typeof RUNNERS)[number],
  rand: () => number,
  normalised: boolean,
  sideBranch: string
): HistoryRecord {
  const at = new Date(Date.UTC(2026, 0, 1) + i * 3600_000).toISOString()
  const energyJ = runner.watts * 600 * (0.9 + 0.2 * rand())
  const psds1 = 0.3 + 0.2 * rand()
  const commit = (i * 2654435761 + series.length).toString(16).padStart(8, '0').repeat(5)
  return {
    schema: RESULT_SCHEMA,
    series,
    commit: commit.slice(0, 40),
    branch: i % 7 === 3 ? sideBranch : 'main',
    recordedAt: at,
    runner: 'GitHub Actions 2',
    verdict: i % 5 === 0 ? 'fail' : 'pass',
    measurement: {
      schema: MEASUREMENT_SCHEMA,
      command: 'python train.py',
      exitCode: 0,
      startedAt: at,
      durationS: 600,
      energyJ,
      idlePowerW: null,
      netEnergyJ: null,
      components: [
        {
          id: 'gpu0',
          kind: 'gpu',
          name: runner.gpu,
          method: 'counter',
          source: 'nvml',
          energyJ,
          meanPowerW: energyJ / 600
        }
      ],
      metrics: { psds1, loss: 1 - psds1, planned_epochs: 10 },
      progress: [],
      host: { fingerprint: runner.fingerprint, cpu: 'AMD EPYC 7763', gpus: [runner.gpu] }
    },
    normalization: normalised
      ? {
          normalizedEnergyJ: energyJ * 0.8,
          interval: [energyJ * 0.72, energyJ * 0.88],
          model: 'kernel',
          looError: 0.05,
          pointsUsed: ['matmul', 'conv'],
          reference: 'reference-a100'
        }
      : null
  }
}

function makeCalibration(runner: (typeof RUNNERS)[number], k: number): Calibration {
  return {
    schema: CALIBRATION_SCHEMA,
    createdAt: new Date(Date.UTC(2026, 0, 1 + k * 10)).toISOString(),
    host: {
      fingerprint: runner.fingerprint,
      cpu: 'AMD EPYC 7763',
      gpus: [{ name: runner.gpu, powerLimitW: runner.watts }]
    },
    idlePowerW: 60,
    points: ['matmul', 'conv', 'memcpy'].map((workload, w) => {
      const energyJ = runner.watts * 24 * (1 + 0.1 * w) * (1 + (0.01 + 0.015 * w) * k)
      return { workload, energyJ, durationS: 30, meanPowerW: energyJ / 30 }
    }),
    kind: 'full'
  }
}

/**
 * Writes `perRunner` records for each series and runner (series "sed-crnn" normalised on the A40
 * only, "kws-tiny" never) and three calibrations per runner. Every seventh record comes from a
 * side branch: HOSTILE_BRANCH unless `realisticBranches` is set.
 */
export async function writeDashboardStore(
  dir: string,
  perRunner: number,
  options: { realisticBranches?: boolean } = {}
): Promise<FixtureCounts> {
  const sideBranch = options.realisticBranches ? FEATURE_BRANCH : HOSTILE_BRANCH
  const store = openFolderStore(dir, { log: () => undefined })
  const rand = createRng(42)
  const counts: FixtureCounts = { records: {}, calibrations: {} }
  for (const series of ['sed-crnn', 'kws-tiny']) {
    counts.records[series] = {}
    const lines: string[] = []
    for (let i = 0; i < perRunner; i++) {
      for (const [r, runner] of RUNNERS.entries()) {
        const normalised = series === 'sed-crnn' && r === 1
        lines.push(serializeLine(makeRecord(series, i, runner, rand, normalised, sideBranch)))
      }
    }
    for (const runner of RUNNERS) counts.records[series][runner.fingerprint] = perRunner
    // one append of the whole file: FolderStore appends line by line, too slow for 10k records
    await mkdir(path.join(dir, 'history'), { recursive: true })
    await appendFile(path.join(dir, 'history', `${series}.jsonl`), lines.join(''))
  }
  for (const runner of RUNNERS) {
    for (let k = 0; k < 3; k++)
      await store.writeCalibration(runner.fingerprint, makeCalibration(runner, k))
    counts.calibrations[runner.fingerprint] = 3
  }
  return counts
}
