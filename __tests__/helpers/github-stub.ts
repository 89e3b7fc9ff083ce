// A local HTTP server that answers the GitHub REST calls joulegate makes, the way GitHub does:
// issue comments listed in pages (per_page, page, Link headers), created, updated; pull requests
// read; commit statuses created; GET /user for tokens that belong to a user. Tokens map to identities; a read-only token
// gets 403 on writes, as a fork pull request's GITHUB_TOKEN does. Every request is recorded.
// Faults a real API or the network in between produce can be queued: an error status with its
// headers (502, 429 with Retry-After, 403 with x-ratelimit-remaining: 0), a reset connection, a
// request never answered; and a comment list whose `next` link never ends.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StubComment {
  id: number
  body: string
  user: { login: string; type: 'User' | 'Bot' }
  created_at: string
  updated_at: string
  html_url: string
}

export interface StubToken {
  login: string
  type: 'User' | 'Bot'
  /** a read-only token: writes answer 403 */
  readOnly?: boolean
  /** GET /user works for user tokens, not for installation tokens such as GITHUB_TOKEN */
  canReadUser?: boolean
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  body: unknown
  token: string | null
}

/** An answer in place of the normal one: a status (with headers), a reset socket, or silence. */
export type StubFault =
  { status: number; headers?: Record<string, string>; body?: unknown } | 'reset' | 'hang'

export interface GitHubStub {
  /** the API base URL to put in GITHUB_API_URL (with the GHES-style prefix when one was asked for) */
  url: string
  requests: RecordedRequest[]
  comments(issue: number): StubComment[]
  addComment(issue: number, body: string, user: StubComment['user']): StubComment
  setPull(number: number, headSha: string, baseSha?: string): void
  /** the commit statuses posted for a sha, oldest first */
  statuses(sha: string): StubStatus[]
  /** the next requests with this method whose path matches answer with these faults, in order */
  queueFaults(method: string, path: RegExp, faults: StubFault[]): void
  close(): Promise<void>
}

export interface StubStatus {
  state: string
  context: string
  description: string | null
}

export interface StubOptions {
  owner?: string
  repo?: string
  tokens?: Record<string, StubToken>
  /** e.g. /api/v3 to behave like GitHub Enterprise Server */
  prefix?: string
  /** every page of a comment list links a next page, as a broken proxy may */
  endlessPages?: boolean
}

const json = (
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {}
): void => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(JSON.stringify(value))
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  if (text === '') return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

export async function startGitHubStub(options: StubOptions = {}): Promise<GitHubStub> {
  const owner = options.owner ?? 'octo'
  const repo = options.repo ?? 'ml'
  const prefix = options.prefix ?? ''
  const tokens = options.tokens ?? { ghs_default: { login: 'github-actions[bot]', type: 'Bot' } }
  const byIssue = new Map<number, StubComment[]>()
  const pulls = new Map<number, { head: string; base: string | null }>()
  const statuses = new Map<string, StubStatus[]>()
  const requests: RecordedRequest[] = []
  const faults: { method: string; path: RegExp; fault: StubFault }[] = []
  let nextId = 1000
  let clock = Date.parse('2026-01-01T00:00:00Z')
  const now = (): string => new Date((clock += 1000)).toISOString()

  const addComment = (issue: number, body: string, user: StubComment['user']): StubComment => {
    const id = nextId++
    const at = now()
    const c: StubComment = {
      id,
      body,
      user,
      created_at: at,
      updated_at: at,
      html_url: `https://github.example/${owner}/${repo}/issues/${issue}#issuecomment-${id}`
    }
    byIssue.set(issue, [...(byIssue.get(issue) ?? []), c])
    return c
  }
  const findComment = (id: number): StubComment | undefined =>
    [...byIssue.values()].flat().find((c) => c.id === id)

  const handle = async (req: IncomingMessage, res: ServerResponse, base: string): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://stub')
    const body = await readBody(req)
    const auth = req.headers.authorization ?? null
    const token = auth ? auth.replace(/^(token|bearer)\s+/i, '') : null
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname
    requests.push({
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      token
    })
    const fault = faults.findIndex((f) => f.method === req.method && f.path.test(path))
    if (fault >= 0) {
      const f = faults.splice(fault, 1)[0]!.fault
      if (f === 'hang') return
      if (f === 'reset') return void req.socket.destroy()
      return json(res, f.status, f.body ?? { message: `stub fault ${f.status}` }, f.headers)
    }
    const who = token ? tokens[token] : undefined
    if (!who) return json(res, 401, { message: 'Bad credentials' })
    const forbidden = (): void =>
      json(res, 403, { message: 'Resource not accessible by integration' })

    if (req.method === 'GET' && path === '/user') {
      return who.canReadUser ? json(res, 200, { login: who.login, type: who.type }) : forbidden()
    }
    const list = new RegExp(`^/repos/${owner}/${repo}/issues/(\\d+)/comments$`).exec(path)
    if (list) {
      const issue = Number(list[1])
      if (req.method === 'GET') {
        const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30)))
        const page = Math.max(1, Number(url.searchParams.get('page') ?? 1))
        const all = byIssue.get(issue) ?? []
        const last = Math.max(1, Math.ceil(all.length / perPage))
        const link = (p: number, rel: string): string =>
          `<${base}${prefix}${path}?per_page=${perPage}&page=${p}>; rel="${rel}"`
        const links: string[] = []
        if (options.endlessPages) links.push(link(page + 1, 'next'))
        else if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
        if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'))
        return json(
          res,
          200,
          all.slice((page - 1) * perPage, page * perPage),
          links.length ? { link: links.join(', ') } : {}
        )
      }
      if (req.method === 'POST') {
        if (who.readOnly) return forbidden()
        const text = (body as { body?: unknown } | null)?.body
        if (typeof text !== 'string') return json(res, 422, { message: 'body is required' })
        if (text.length > 65536)
          return json(res, 422, { message: 'body is too long (maximum is 65536 characters)' })
        return json(res, 201, addComment(issue, text, { login: who.login, type: who.type }))
      }
    }
    const one = new RegExp(`^/repos/${owner}/${repo}/issues/comments/(\\d+)$`).exec(path)
    if (one && req.method === 'PATCH') {
      if (who.readOnly) return forbidden()
      const c = findComment(Number(one[1]))
      if (!c) return json(res, 404, { message: 'Not Found' })
      const text = (body as { body?: unknown } | null)?.body
      if (typeof text !== 'string') return json(res, 422, { message: 'body is required' })
      if (text.length > 65536)
        return json(res, 422, { message: 'body is too long (maximum is 65536 characters)' })
      // A token with write access may edit anyone's comment on GitHub; the stub allows it too, so
      // a test can only pass when the action itself refuses to.
      c.body = text
      c.updated_at = now()
      return json(res, 200, c)
    }
    const pull = new RegExp(`^/repos/${owner}/${repo}/pulls/(\\d+)$`).exec(path)
    if (pull && req.method === 'GET') {
      const p = pulls.get(Number(pull[1]))
      return p
        ? json(res, 200, {
            number: Number(pull[1]),
            head: { sha: p.head },
            base: { sha: p.base, ref: 'main' }
          })
        : json(res, 404, { message: 'Not Found' })
    }
    const status = new RegExp(`^/repos/${owner}/${repo}/statuses/([0-9a-zA-Z]+)$`).exec(path)
    if (status && req.method === 'POST') {
      if (who.readOnly) return forbidden()
      const b = (body ?? {}) as Record<string, unknown>
      if (!['error', 'failure', 'pending', 'success'].includes(String(b['state'])))
        return json(res, 422, { message: 'state is not included in the list' })
      const entry: StubStatus = {
        state: String(b['state']),
        context: typeof b['context'] === 'string' ? b['context'] : 'default',
        description: typeof b['description'] === 'string' ? b['description'] : null
      }
      if ((entry.description ?? '').length > 140)
        return json(res, 422, { message: 'description is too long (maximum is 140 characters)' })
      const sha = status[1]!
      statuses.set(sha, [...(statuses.get(sha) ?? []), entry])
      return json(res, 201, { id: nextId++, ...entry })
    }
    return json(res, 404, { message: 'Not Found' })
  }

  let base = ''
  const server: Server = createServer((req, res) => {
    handle(req, res, base).catch((error: unknown) => json(res, 500, { message: String(error) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: `${base}${prefix}`,
    requests,
    comments: (issue) => byIssue.get(issue) ?? [],
    addComment,
    setPull: (number, headSha, baseSha) =>
      void pulls.set(number, { head: headSha, base: baseSha ?? null }),
    statuses: (sha) => statuses.get(sha) ?? [],
    queueFaults: (method, path, list) => {
      for (const fault of list) faults.push({ method, path, fault })
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()))
        server.closeAllConnections()
      })
  }
}
