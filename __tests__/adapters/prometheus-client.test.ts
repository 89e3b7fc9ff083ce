// The Prometheus client against a real local HTTP server that answers like a busy Prometheus (or
// the proxy in front of one): 503s, a 429 with Retry-After, dropped connections, bad queries.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PrometheusClient, describeUrl } from '../../src/adapters/prometheus.js'

const TOKEN = 's3cr3t-token-value'
type Handler = (req: IncomingMessage, res: import('node:http').ServerResponse) => void
let handler: Handler = () => undefined
const seen: { url: string; auth: string | undefined; at: number }[] = []
let server: Server
let base = ''

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization, at: Date.now() })
    handler(req, res)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prom`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
})

const ok = (data: unknown) => JSON.stringify({ status: 'success', data })
const vector = ok({ resultType: 'vector', result: [{ metric: { gpu: '0' }, value: [1, '42'] }] })
const client = (over: Partial<ConstructorParameters<typeof PrometheusClient>[0]> = {}) =>
  new PrometheusClient({ url: base, token: TOKEN, baseDelayMs: 20, timeoutMs: 2000, ...over })

describe('PrometheusClient', () => {
  it('sends the query with a bearer token under the URL prefix and returns the vector', async () => {
    seen.length = 0
    handler = (_req, res) => res.end(vector)
    const result = await client().queryVector('sum(up)', 1764680000.5)
    expect(result).toEqual([{ metric: { gpu: '0' }, value: [1, '42'] }])
    expect(seen[0]!.auth).toBe(`Bearer ${TOKEN}`)
    const url = new URL(seen[0]!.url, 'http://x')
    expect(url.pathname).toBe('/prom/api/v1/query')
    expect(url.searchParams.get('query')).toBe('sum(up)')
    expect(url.searchParams.get('time')).toBe('1764680000.500')
  })

  it('retries a 503 and a dropped connection, then succeeds', async () => {
    seen.length = 0
    let n = 0
    handler = (req, res) => {
      n++
      if (n === 1) return void res.writeHead(503).end('overloaded')
      if (n === 2) return void req.socket.destroy()
      res.end(vector)
    }
    const c = client()
    await expect(c.queryVector('up', 1)).resolves.toHaveLength(1)
    expect(c.requests).toBe(3)
  })

  it('waits the Retry-After of a 429 before the next try', async () => {
    seen.length = 0
    let n = 0
    handler = (_req, res) => {
      if (n++ === 0) return void res.writeHead(429, { 'retry-after': '1' }).end('slow down')
      res.end(vector)
    }
    await client().queryVector('up', 1)
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950)
  })

  it('gives up after the bounded tries, naming URL, query and the last error but never the token', async () => {
    handler = (_req, res) => res.writeHead(502).end(`bad gateway for Bearer ${TOKEN}`)
    const error = await client({ attempts: 3 })
      .queryVector('sum(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION)', 1)
      .catch((e: Error) => e)
    expect(String(error)).toMatch(
      /Prometheus at http:\/\/127\.0\.0\.1:\d+\/prom\/api\/v1\/query \(sum\(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION\)\): HTTP 502: bad gateway for Bearer \[token\] \(after 3 tries\)/
    )
    expect(String(error)).not.toContain(TOKEN)
    expect(JSON.stringify(error)).not.toContain(TOKEN)
  })

  it('does not retry a query Prometheus refuses and passes its error on', async () => {
    let n = 0
    handler = (_req, res) => {
      n++
      res.writeHead(400).end(
        JSON.stringify({
          status: 'error',
          errorType: 'bad_data',
          error: 'parse error: unexpected "}"'
        })
      )
    }
    await expect(client().queryVector('up{', 1)).rejects.toMatchObject({
      errorType: 'bad_data',
      status: 400,
      message: expect.stringMatching(/HTTP 400: parse error: unexpected "}"/)
    })
    expect(n).toBe(1)
  })

  it('times out a server that never answers', async () => {
    handler = () => undefined
    await expect(client({ timeoutMs: 200, attempts: 2 }).queryVector('up', 1)).rejects.toThrow(
      /no answer within 200 ms \(after 2 tries\)/
    )
  })

  it('names a refused connection without credentials from the URL', async () => {
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()))
    const port = (closed.address() as AddressInfo).port
    await new Promise((r) => closed.close(r))
    const error = await new PrometheusClient({
      url: `http://user:pw@127.0.0.1:${port}/`,
      token: TOKEN,
      attempts: 1
    })
      .targets()
      .catch((e: Error) => e)
    expect(String(error)).toMatch(
      /Prometheus at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/targets \(targets\): connection failed \(ECONNREFUSED\)/
    )
    expect(String(error)).not.toMatch(/pw|user/)
    expect(describeUrl('https://a:b@prom.example/x?token=1')).toBe('https://prom.example/x')
  })

  it('refuses a URL that is not http(s)', () => {
    expect(() => new PrometheusClient({ url: 'ftp://prom', token: null })).toThrow(
      /prometheus-url: got "ftp:\/\/prom", expected an http\(s\) URL/
    )
  })
})
