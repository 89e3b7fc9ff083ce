import { readFileSync } from 'node:fs'
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import {
  readCpuInventory,
  readHostInventory,
  type HostRoots
} from '../../src/adapters/host-inventory.js'

const HOSTS = resolve('__tests__/fixtures/hosts')
const rootsOf = (dir: string): HostRoots => ({
  proc: join(dir, 'proc'),
  sys: join(dir, 'sys'),
  etc: join(dir, 'etc')
})

interface Expected {
  gpus: string[]
  cpu: string
  cores: number
  threads: number
  fingerprint: string
}

describe('readHostInventory', () => {
  for (const host of ['debian-epyc-2vcpu', 'xeon-gold-2s-ht', 'grace-neoverse-v2']) {
    it(`keeps the fingerprint systeminformation gave for ${host}`, async () => {
      const expected = JSON.parse(
        readFileSync(join(HOSTS, host, 'expected.json'), 'utf8')
      ) as Expected
      const info = await readHostInventory(expected.gpus, null, rootsOf(join(HOSTS, host)))
      expect(info).toMatchObject({
        cpu: expected.cpu,
        cores: expected.cores,
        fingerprint: expected.fingerprint
      })
      const cpu = await readCpuInventory(rootsOf(join(HOSTS, host)))
      expect(cpu.threads).toBe(expected.threads)
    })
  }

  it('reads memory, OS, kernel and hostname from the root', async () => {
    const info = await readHostInventory(
      ['NVIDIA H100 80GB HBM3'],
      '550.54.15',
      rootsOf(join(HOSTS, 'xeon-gold-2s-ht'))
    )
    expect(info).toMatchObject({
      gpus: ['NVIDIA H100 80GB HBM3'],
      driver: '550.54.15',
      memoryGB: 376.5,
      os: 'Ubuntu 22.04.4 LTS (5.15.0-105-generic)',
      hostname: 'gpu-node-03'
    })
    const debian = await readHostInventory([], null, rootsOf(join(HOSTS, 'debian-epyc-2vcpu')))
    expect(debian.os).toMatch(/^Debian GNU\/Linux 12 \(\d+\.\d+/)
    expect(debian.memoryGB).toBe(23.5)
  })

  it('names an Arm core from its part number and an unknown Arm core from its model name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'joulegate-host-'))
    try {
      await cp(join(HOSTS, 'grace-neoverse-v2'), dir, { recursive: true })
      const cpuinfo = join(dir, 'proc/cpuinfo')
      const grace = readFileSync(cpuinfo, 'utf8')
      await writeFile(cpuinfo, grace.replace(/CPU part\t: 0xd4f/g, 'CPU part\t: 0xd0c'))
      expect((await readCpuInventory(rootsOf(dir))).name).toBe('Neoverse-N1')
      await writeFile(
        cpuinfo,
        grace.replace(
          /CPU implementer\t: 0x41/g,
          'CPU implementer\t: 0xc0\nmodel name\t: Ampere-1a'
        )
      )
      expect((await readCpuInventory(rootsOf(dir))).name).toBe('Ampere-1a')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('counts logical CPUs from cpuinfo when sysfs has no topology', async () => {
    const roots = { ...rootsOf(join(HOSTS, 'xeon-gold-2s-ht')), sys: join(HOSTS, 'missing') }
    expect(await readCpuInventory(roots)).toMatchObject({
      name: 'Intel Xeon® Gold 6230',
      cores: 8,
      threads: 8
    })
  })

  it('reads this host', async () => {
    const cpu = await readCpuInventory()
    expect(cpu.threads).toBeGreaterThan(0)
    expect(cpu.cores).toBeGreaterThan(0)
    expect(cpu.cores).toBeLessThanOrEqual(cpu.threads)
    expect(cpu.memoryBytes).toBeGreaterThan(0)
  })
})
