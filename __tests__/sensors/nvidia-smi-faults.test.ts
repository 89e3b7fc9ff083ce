// nvidia-smi that stops answering, hangs, or sits behind a wrapper script that does not `exec`:
// joulegate says the GPU is unavailable, or stops the sampler, and never waits forever.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNvidiaSmiSensor, listNvidiaGpus } from '../../src/sensors/nvidia-smi/sensor.js'
import type { SensorEnv } from '../../src/sensors/sensor.js'
import { fakeSmiEnv } from './fake-tools.js'

let dir: string
let vars: Record<string, string>
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'joulegate-smi-faults-'))
  vars = {
    JOULEGATE_FAKE_PID_FILE: join(dir, 'pids'),
    JOULEGATE_FAKE_GPUS: JSON.stringify([
      { name: 'NVIDIA A40', uuid: 'GPU-aaaa1111', powerLimitW: 300, power: 150, migs: ['MIG-1'] }
    ])
  }
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** The fakes still running once SIGKILL has had a moment to land (it is delivered asynchronously). */
async function fakesStillRunning(): Promise<number[]> {
  for (let i = 0; i < 40 && listRunningFakes().length > 0; i++) await sleep(50)
  return listRunningFakes()
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Every fake nvidia-smi started so far that is neither gone nor a zombie its adopter has yet to reap. */
function listRunningFakes(): number[] {
  if (!existsSync(join(dir, 'pids'))) return []
  const pids = readFileSync(join(dir, 'pids'), 'utf8').trim().split('\n').map(Number)
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.charAt(0) !== 'Z'
    } catch {
      return false
    }
  })
}

describe.each([true, false])('nvidia-smi behind a wrapper (exec: %s)', (exec) => {
  const env = (over: Partial<SensorEnv> = {}): SensorEnv =>
    fakeSmiEnv(dir, vars, { probeTimeoutMs: 1000, ...over }, { exec })

  it.each([
    { hang: 'help', over: {}, call: '--help-query-gpu' },
    { hang: 'query', over: {}, call: '--query-gpu=' },
    { hang: 'list', over: { cudaVisibleDevices: 'MIG-1' }, call: '-L' }
  ])(
    'a probe that hangs ($hang) is killed: nvidia-smi is unavailable, with the reason',
    async ({ hang, over, call }) => {
      vars.JOULEGATE_FAKE_HANG = hang
      const { inventory, notices } = await listNvidiaGpus(env(over))
      expect(inventory).toBeNull()
      expect(notices).toHaveLength(1)
      expect(notices[0]).toContain(call)
      expect(notices[0]).toMatch(
        /did not answer within 1 s and was killed .*no NVIDIA GPU measured/
      )
      expect(await fakesStillRunning()).toEqual([])
    }
  )

  it('stop() ends the sampler, and the tool under the wrapper, even when it ignores SIGTERM', async () => {
    const { inventory } = await listNvidiaGpus(env())
    vars.JOULEGATE_FAKE_IGNORE_TERM = '1'
    const sensor = createNvidiaSmiSensor(env(), inventory!).sensor!
    await sensor.start()
    // one reading inside the window, so that stop() has a running tool to end
    while (sensor.snapshot()[0]!.energyJ === 0) await sleep(20)
    const [g] = await sensor.stop()
    expect(g!.samples).toBeGreaterThan(0)
    expect(await fakesStillRunning()).toEqual([])
  })
})
