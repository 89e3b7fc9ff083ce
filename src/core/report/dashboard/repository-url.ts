// Commit links on the dashboard point at the repository's web page, derived from its git remote.
/**
 * The web address of a repository from its git remote (https, ssh or scp-like), without
 * credentials or `.git`; null for anything that is not a plain http(s) host and path, so a record
 * or remote can never put a `javascript:` link on the page.
 */
export function toRepositoryUrl(remote: string | null | undefined): string | null {
  if (!remote) return null
  const text = remote.trim()
  let host: string
  let repoPath: string
  const scp = /^(?:[\w.-]+@)?([\w.-]+):(?!\/\/)([\w.\-/]+?)(?:\.git)?\/?$/.exec(text)
  const url =
    /^(?:https?|ssh|git):\/\/(?:[^@/]+@)?([\w.-]+)(?::\d+)?\/([\w.\-/]+?)(?:\.git)?\/?$/.exec(text)
  if (url) [, host, repoPath] = url
  else if (scp) [, host, repoPath] = scp
  else return null
  if (!/^[\w-]+(\.[\w-]+)+$/.test(host) && host !== 'localhost') return null
  if (repoPath.split('/').some((s) => s === '' || s === '.' || s === '..')) return null
  return `https://${host}/${repoPath}`
}
