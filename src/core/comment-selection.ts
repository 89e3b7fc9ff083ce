// Which existing pull-request comment is "ours": it must carry the series' hidden marker AND be
// written by our own identity. Matching on the marker alone would let anyone who quotes it (a
// person, another bot) have their comment overwritten by the action.

/** The fields of a GitHub issue comment this choice needs. */
export interface CommentInfo {
  id: number
  body?: string | null
  user?: { login?: string | null; type?: string | null } | null
  created_at?: string
}

/** GitHub rejects comment bodies over 65,536 characters; stay clear of the edge. */
export const COMMENT_LIMIT = 65_000

export const DEFAULT_BOT_LOGIN = 'github-actions[bot]'

/** The hidden marker (contract) that finds our sticky comment; also the report's first line. */
export function commentMarker(series: string): string {
  // series names are validated already; this keeps a stray name from closing the HTML comment
  return `<!-- joulegate:${series.replace(/[^A-Za-z0-9._-]/g, '_')} -->`
}

function sameLogin(a: string | null | undefined, b: string): boolean {
  return typeof a === 'string' && a.toLowerCase() === b.toLowerCase()
}

/**
 * The comment to update, or null when a new one must be created. Among several of ours (a
 * race between two runs) the oldest wins, so the sticky comment keeps its place in the thread.
 */
export function selectOwnComment(
  comments: readonly CommentInfo[],
  series: string,
  author: string
): CommentInfo | null {
  const marker = commentMarker(series)
  const ours = comments.filter(
    (c) => sameLogin(c.user?.login, author) && typeof c.body === 'string' && c.body.includes(marker)
  )
  if (ours.length === 0) return null
  return ours.reduce((oldest, c) => (compareAge(c, oldest) < 0 ? c : oldest))
}

function compareAge(a: CommentInfo, b: CommentInfo): number {
  const ta = a.created_at ? Date.parse(a.created_at) : NaN
  const tb = b.created_at ? Date.parse(b.created_at) : NaN
  if (Number.isFinite(ta) && Number.isFinite(tb) && ta !== tb) return ta - tb
  return a.id - b.id
}

/**
 * The body to post: starts with the marker (added if the report lacks it) and stays under the
 * limit; a cut body says so and points at the job summary, where the full report lives.
 */
export function fitCommentBody(
  report: string,
  series: string,
  limit: number = COMMENT_LIMIT
): string {
  const marker = commentMarker(series)
  const body = report.includes(marker) ? report : `${marker}\n${report}`
  if (body.length <= limit) return body
  const note = `\n\n_… report cut to fit a comment (${body.length} characters); the full report is in the job summary._\n`
  const head = body.slice(0, Math.max(0, limit - note.length))
  // Keep the marker even when it sat past the cut, or the next run would not find this comment.
  const kept = head.includes(marker)
    ? head
    : `${marker}\n${head.slice(0, Math.max(0, head.length - marker.length - 1))}`
  return `${kept}${note}`
}
