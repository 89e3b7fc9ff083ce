// The cluster's Prometheus over its HTTP API (/api/v1/query, /api/v1/targets, /api/v1/series,
// /api/v1/label/NAME/values). A busy server answers 503 or 429 and a proxy in front of it resets
// connections, so each call has a deadline and a bounded number of retries with backoff; a
// Retry-After is honoured when it is short. The bearer token is sent in a header and never
// appears in an error, a log line or a stored file: errors name the URL without credentials.

interface PrometheusClientOptions {
  /** the server's base URL, e.g. http://prometheus.cluster:9090 (a path prefix is kept) */
  url: string
  /** bearer token (JOULEGATE_PROMETHEUS_TOKEN); null sends no Authorization header */
  token: string | null
  /** one attempt, headers and body, in milliseconds */
  timeoutMs?: number
  /** tries per call, the first included */
  attempts?: number
  /** the first backoff wait, doubled on each retry */
  baseDelayMs?: number
  /** a Retry-After further away than this gives up at once */
  maxWaitMs?: number
}

interface PromVectorSample {
  metric: Record<string, string>
  value: [number, string]
}

interface PromTarget {
  labels: Record<string, string>
  scrapePool?: string
  scrapeUrl?: string
  health: string
  scrapeInterval?: string
  lastError?: string
}

export class PrometheusError extends Error {
  constructor(
    message: string,
    /** the HTTP status, null when no answer came */
    readonly status: number | null,
    /** Prometheus's errorType (bad_data: the query itself is wrong) */
    readonly errorType: string | null
  ) {
    super(message)
    this.name = 'PrometheusError'
  }
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504])

/** The URL as it may be shown: user info removed, no query string. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    u.search = ''
    return u.toString().replace(/\/$/, '')
  } catch {
    return '(unparsable URL)'
  }
}

function retryAfterMs(value: string | null): number | null {
  if (value === null) return null
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : null
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export class PrometheusClient {
  private readonly base: URL
  private readonly timeoutMs: number
  private readonly attempts: number
  private readonly baseDelayMs: number
  private readonly maxWaitMs: number
  private readonly basic: string | null = null
  /** HTTP requests made, retries included (the bench and the report count them) */
  requests = 0

  constructor(private readonly options: PrometheusClientOptions) {
    let base: URL
    try {
      base = new URL(options.url)
    } catch {
      throw new PrometheusError(
        `prometheus-url: got ${JSON.stringify(describeUrl(options.url))}, expected an http(s) URL such as http://prometheus:9090`,
        null,
        null
      )
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:')
      throw new PrometheusError(
        `prometheus-url: got ${JSON.stringify(describeUrl(options.url))}, expected an http(s) URL such as http://prometheus:9090`,
        null,
        null
      )
    if (!base.pathname.endsWith('/')) base.pathname += '/'
    // user info in the URL is sent as Basic auth and kept out of every URL fetch or an error sees
    if (base.username || base.password) {
      const pair = `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`
      this.basic = Buffer.from(pair).toString('base64')
      base.username = ''
      base.password = ''
    }
    this.base = base
    this.timeoutMs = options.timeoutMs ?? 15_000
    this.attempts = options.attempts ?? 4
    this.baseDelayMs = options.baseDelayMs ?? 500
    this.maxWaitMs = options.maxWaitMs ?? 30_000
  }

  get shownUrl(): string {
    return describeUrl(this.base.toString())
  }

  /** An instant query at `time` (seconds since the epoch); the result must be a vector. */
  async queryVector(query: string, time: number): Promise<PromVectorSample[]> {
    const data = (await this.call('api/v1/query', { query, time: time.toFixed(3) }, query)) as {
      resultType?: string
      result?: unknown
    }
    if (data.resultType !== 'vector' || !Array.isArray(data.result))
      throw new PrometheusError(
        `Prometheus at ${this.shownUrl}: query ${query} gave a ${String(data.resultType)}, expected a vector`,
        200,
        null
      )
    return data.result as PromVectorSample[]
  }

  async targets(): Promise<PromTarget[]> {
    const data = (await this.call('api/v1/targets', { state: 'active' }, 'targets')) as {
      activeTargets?: PromTarget[]
    }
    return data.activeTargets ?? []
  }

  async labelValues(label: string): Promise<string[]> {
    const data = await this.call(`api/v1/label/${encodeURIComponent(label)}/values`, {}, label)
    return Array.isArray(data) ? (data as string[]) : []
  }

  async series(match: string, start: number, end: number): Promise<Record<string, string>[]> {
    const data = await this.call(
      'api/v1/series',
      { 'match[]': match, start: start.toFixed(3), end: end.toFixed(3) },
      match
    )
    return Array.isArray(data) ? (data as Record<string, string>[]) : []
  }

  private redact(text: string): string {
    const token = this.options.token
    return token ? text.split(token).join('[token]') : text
  }

  private async call(path: string, params: Record<string, string>, what: string): Promise<unknown> {
    const url = new URL(path, this.base)
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
    const headers: Record<string, string> = { accept: 'application/json' }
    if (this.options.token) headers['authorization'] = `Bearer ${this.options.token}`
    else if (this.basic) headers['authorization'] = `Basic ${this.basic}`
    const shown = `${describeUrl(url.toString())} (${what})`
    let last = ''
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      this.requests++
      let waitMs = this.baseDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2)
      try {
        const response = await fetch(url, {
          headers,
          signal: AbortSignal.timeout(this.timeoutMs)
        }).then(async (r) => ({ r, text: await r.text() }))
        const status = response.r.status
        const parsed = parseBody(response.text)
        if (status >= 200 && status < 300 && parsed?.status === 'success') return parsed.data
        // a proxy may echo the request's headers into its error page
        const serverSays = this.redact(parsed?.error ?? excerpt(response.text))
        last = `HTTP ${status}: ${serverSays}`
        if (!RETRY_STATUSES.has(status)) {
          throw new PrometheusError(
            `Prometheus at ${shown}: ${last}`,
            status,
            parsed?.errorType ?? null
          )
        }
        const after = retryAfterMs(response.r.headers.get('retry-after'))
        if (after !== null) {
          if (after > this.maxWaitMs) break
          waitMs = after
        }
      } catch (error) {
        if (error instanceof PrometheusError) throw error
        last = this.redact(describeFailure(error, this.timeoutMs))
      }
      if (attempt < this.attempts) await sleep(waitMs)
    }
    throw new PrometheusError(
      `Prometheus at ${shown}: ${last} (after ${this.attempts} tries)`,
      null,
      null
    )
  }
}

function parseBody(
  text: string
): { status?: string; data?: unknown; error?: string; errorType?: string } | null {
  try {
    const v = JSON.parse(text) as unknown
    return v && typeof v === 'object' ? (v as { status?: string }) : null
  } catch {
    return null
  }
}

function excerpt(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim()
  return t === '' ? '(empty body)' : t.length > 200 ? `${t.slice(0, 200)}…` : t
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const e = error as {
    name?: string
    message?: string
    cause?: { code?: string; message?: string }
  }
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`
  if (e.cause?.code) return `connection failed (${e.cause.code})`
  return e.cause?.message ? `connection failed (${e.cause.message})` : (e.message ?? String(error))
}
