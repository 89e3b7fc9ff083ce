// Which existing pull-request comment is "ours": its FIRST line must be exactly the series' hidden
// marker AND it must be written by our own identity. Matching on the marker alone would let anyone
// who quotes it (a person, another bot) have their comment overwritten by the action, and matching
// it anywhere in the body would let text inside another series' report (a metric name, a note)
// claim that comment for a series it does not belong to.

/** The fields of a GitHub issue comment this choice needs. */
export interface CommentInfo {
  id: number
  body?: string | null
  user?: { login?: string | null; type?: string | null } | null
  created_at?: string
}

/** GitHub rejects comment bodies over 65,536 characters; stay clear of the edge. */
export const COMMENT_LIMIT = 65_000

/** The hidden marker (contract) that finds our sticky comment; also the report's first line. */
export function commentMarker(series: string): string {
  // series names are validated already; this keeps a stray name from closing the HTML comment
  return `<!-- joulegate:${series.replace(/[^A-Za-z0-9._-]/g, '_')} -->`
}

/** True when the body's first line is exactly this marker (as joulegate writes it). */
function startsWithMarker(body: string, marker: string): boolean {
  const eol = body.indexOf('\n')
  return (eol < 0 ? body : body.slice(0, eol)).replace(/\r$/, '') === marker
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
    (c) =>
      sameLogin(c.user?.login, author) &&
      typeof c.body === 'string' &&
      startsWithMarker(c.body, marker)
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
  const body = startsWithMarker(report, marker) ? report : `${marker}\n${report}`
  if (body.length <= limit) return body
  const note = `\n\n_… report cut to fit a comment (${body.length} characters); the full report is in the job summary._\n`
  // the marker stays the first line, or the next run would not find this comment
  return `${body.slice(0, Math.max(marker.length + 1, limit - note.length))}${note}`
}
