// A real Prometheus server (the Debian package's /usr/bin/prometheus) on a free loopback port,
// with a 1 s scrape interval and a temporary storage folder, scraping the given targets.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const INSTALL_HINT = 'apt-get install -y prometheus'

/** The prometheus executable, or null when it is not installed. */
export function findPrometheus(): string | null {
  for (const candidate of [process.env['PROMETHEUS_BIN'], '/usr/bin/prometheus', 'prometheus']) {
    if (!candidate) continue
    const r = spawnSync(candidate, ['--version'], { encoding: 'utf8' })
    if (r.status === 0) return candidate
  }
  return null
}

/**
 * Under CI a missing server is a failure (the suite would otherwise pass without its real part);
 * on a workstation it is one line with the install command, and the suite is skipped.
 */
export function requirePrometheus(suite: string): string | null {
  const bin = findPrometheus()
  if (bin) return bin
  if (process.env['CI'] === 'true')
    throw new Error(`${suite}: prometheus is not installed (CI=true); install it: ${INSTALL_HINT}`)
  console.warn(`${suite}: skipped, prometheus is not installed (${INSTALL_HINT})`)
  return null
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

export interface ScrapeJob {
  job: string
  targets: string[]
  /** target labels (node exporter series get the node's Hostname this way) */
  labels?: Record<string, string>
}

export interface RunningPrometheus {
  url: string
  stop(): Promise<void>
}

function renderConfig(jobs: ScrapeJob[], intervalS: number): string {
  const byJob = new Map<string, ScrapeJob[]>()
  for (const j of jobs) byJob.set(j.job, [...(byJob.get(j.job) ?? []), j])
  const lines = [
    'global:',
    `  scrape_interval: ${intervalS}s`,
    `  scrape_timeout: ${intervalS}s`,
    'scrape_configs:'
  ]
  for (const [job, groups] of byJob) {
    lines.push(`  - job_name: ${job}`, '    static_configs:')
    for (const g of groups) {
      lines.push(`      - targets: [${g.targets.map((t) => `'${t}'`).join(', ')}]`)
      if (g.labels && Object.keys(g.labels).length > 0) {
        lines.push('        labels:')
        for (const [k, v] of Object.entries(g.labels)) lines.push(`          ${k}: '${v}'`)
      }
    }
  }
  return `${lines.join('\n')}\n`
}

export async function startPrometheus(
  bin: string,
  jobs: ScrapeJob[],
  options: { intervalS?: number } = {}
): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'prom-'))
  const config = join(dir, 'prometheus.yml')
  writeFileSync(config, renderConfig(jobs, options.intervalS ?? 1))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn'
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] }
  )
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
    rmSync(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`prometheus exited with ${child.exitCode}: ${stderr}`)
    }
    const ready = await fetch(`${url}/-/ready`)
      .then((r) => r.ok)
      .catch(() => false)
    if (ready) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`prometheus did not become ready in 20 s: ${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return { url, stop }
}

/** Waits until every target has been scraped at least once and is up. */
export async function waitForTargets(
  url: string,
  count: number,
  timeoutMs = 15_000
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const body = (await fetch(`${url}/api/v1/targets`).then((r) => r.json())) as {
      data: { activeTargets: { health: string }[] }
    }
    const up = body.data.activeTargets.filter((t) => t.health === 'up').length
    if (up >= count) return
    if (Date.now() > deadline) throw new Error(`only ${up} of ${count} targets up`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
