// A real git server on loopback: Node's HTTP server in front of `git http-backend` (the CGI that
// ships with git), asking for one Authorization header as GitHub does, so a client that does not
// send its credentials cannot fetch or push.
import { spawn } from 'node:child_process'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface HttpOrigin {
  /** base URL; a bare repository `<projectRoot>/x.git` is at `${url}/x.git` */
  url: string
  close(): Promise<void>
}

export interface HttpOriginOptions {
  /** folder of bare repositories served */
  projectRoot: string
  /** the git executable that runs http-backend */
  gitPath: string
  /** the only Authorization value accepted, e.g. `basic eC1h...` */
  authorization: string
  /** refuse every push with 403 and this text */
  refusePush?: string
}

function answer(res: ServerResponse, status: number, text: string, extra = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', ...extra })
  res.end(text)
}

function serve(options: HttpOriginOptions, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (req.headers.authorization !== options.authorization) {
    req.resume()
    return answer(res, 401, 'credentials required\n', { 'WWW-Authenticate': 'Basic realm="git"' })
  }
  const pushing =
    url.pathname.endsWith('/git-receive-pack') ||
    url.searchParams.get('service') === 'git-receive-pack'
  if (pushing && options.refusePush !== undefined) {
    req.resume()
    return answer(res, 403, `${options.refusePush}\n`)
  }
  const cgi = spawn(options.gitPath, ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: options.projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: url.pathname,
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_USER: 'x-access-token',
      REMOTE_ADDR: '127.0.0.1'
    },
    stdio: ['pipe', 'pipe', 'inherit']
  })
  req.pipe(cgi.stdin)
  const out: Buffer[] = []
  cgi.stdout.on('data', (b: Buffer) => out.push(b))
  cgi.on('close', () => {
    const all = Buffer.concat(out)
    const end = all.indexOf('\r\n\r\n')
    const head = all.subarray(0, end).toString('latin1')
    const headers: Record<string, string> = {}
    let status = 200
    for (const line of head.split('\r\n')) {
      const colon = line.indexOf(':')
      const name = line.slice(0, colon).trim()
      const value = line.slice(colon + 1).trim()
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10)
      else headers[name] = value
    }
    res.writeHead(status, headers)
    res.end(all.subarray(end + 4))
  })
}

export async function startHttpOrigin(options: HttpOriginOptions): Promise<HttpOrigin> {
  const server: Server = createServer((req, res) => serve(options, req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
