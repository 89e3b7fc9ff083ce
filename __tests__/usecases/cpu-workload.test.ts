import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { CPU_WORKLOAD_NAMES, runCpuWorkload } from '../../src/usecases/workloads/cpu-workload.js'

describe('CPU calibration suite', () => {
  it('lists light to full loads and a memory-bound one', () => {
    expect(CPU_WORKLOAD_NAMES).toEqual(['cpu-1t', 'cpu-half', 'cpu-all', 'cpu-memory'])
  })

  it.each(CPU_WORKLOAD_NAMES.map((n) => [n]))(
    '%s does a fixed amount of work and reports ops, not flops',
    async (name) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'jg-cpu-'))
      const metrics = path.join(dir, 'metrics.jsonl')
      try {
        await runCpuWorkload(name, 0.002, metrics)
        await runCpuWorkload(name, 0.004, metrics)
        const lines = (await readFile(metrics, 'utf8'))
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, number>)
        expect(lines).toHaveLength(2)
        expect(lines[0].flops).toBeUndefined()
        expect(lines[1].ops).toBe(2 * lines[0].ops)
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    }
  )

  it.each([
    ['an unknown name', 'gpu-1', 1, /unknown CPU workload "gpu-1"/],
    ['a zero scale', 'cpu-1t', 0, /scale: got 0/]
  ])('refuses %s', async (_n, name, scale, message) => {
    await expect(runCpuWorkload(name as string, scale as number)).rejects.toThrow(message)
  })
})
