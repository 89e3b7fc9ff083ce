// User-provided text (commands, metric names, branch names, host names) goes into a pull-request
// comment: it must not render as markup, open HTML, link anywhere, break a table or notify anyone.
// Text we write ourselves is plain markdown and is not passed through here; sentences of ours
// that embed user values go through escapeProse, which keeps our code spans.

const ZWJ = '\u200d'
const HTML: Record<string, string> = { '<': '&lt;', '>': '&gt;', '|': '&#124;' }

interface EscapeOptions {
  /** longest text kept, after which it is cut with an ellipsis */
  maxLength?: number
  /**
   * false where the text cannot start a block (a table cell, after "- **Label:** "), so a leading
   * "+12%" or "-" stays as written instead of gaining a backslash
   */
  lineStart?: boolean
}

function flatten(text: string, maxLength: number): string {
  let s = text.replace(/[\r\n\t\v\f]+/g, ' ')
  // eslint-disable-next-line no-control-regex
  s = s.replace(/[\u0000-\u001f\u007f]/g, '')
  return s.length > maxLength ? `${s.slice(0, maxLength - 1)}…` : s
}

// Backslashes first: the entities added next contain # and ; which must stay as they are. Only
// an & that would start an entity is escaped, and " is left alone (no tag can open, since < is
// escaped), so ordinary text reads the same in a terminal. A zero-width joiner after every @
// stops mentions, and one inside :// and www. stops GitHub's autolinks.
function escapeInline(s: string): string {
  return s
    .replace(/[\\`*_{}[\]~]/g, (c) => `\\${c}`)
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
    .replace(/[<>|]/g, (c) => HTML[c]!)
    .replace(/@/g, `@${ZWJ}`)
    .replace(/:\/\//g, `:${ZWJ}//`)
    .replace(/\b(www)\./gi, `$1${ZWJ}.`)
}

// Line breaks are gone, so block syntax (#, +, -, =, 1.) can only start the text itself.
const escapeBlockStart = (s: string): string =>
  s.replace(/^(\s*)([#+\-=]|\d+[.)])/, (_m, space: string, mark: string) => `${space}\\${mark}`)

/**
 * Escapes one user-provided string for markdown prose and table cells: markdown punctuation gets
 * a backslash, HTML-significant characters and the pipe become entities, line breaks become
 * spaces, mentions do not notify and URLs do not link.
 */
export function escapeMarkdown(text: string, maxLength = 500, options: EscapeOptions = {}): string {
  const s = escapeInline(flatten(text, options.maxLength ?? maxLength))
  return options.lineStart === false ? s : escapeBlockStart(s)
}

// A code span whose content cannot break a table cell; inside it nothing links, mentions or opens
// HTML. Its text still reaches the comment's raw body verbatim, though, where an HTML comment such
// as a sticky-comment marker would be found by whoever searches bodies: those are broken below.
const CODE_SPAN = /`([^`|]+)`/g

/**
 * Breaks HTML comment openers and closers with a zero-width joiner, so no user text can carry
 * joulegate's `<!-- joulegate:NAME -->` marker (or end one) into a comment, even in a code span.
 */
export function neutralizeHtmlComments(text: string): string {
  return text.replace(/<!--/g, `<!${ZWJ}--`).replace(/--(!?>)/g, `-${ZWJ}-$1`)
}

/**
 * Escapes a sentence of ours that embeds user values (a rule's explanation, a headline, a notice):
 * like escapeMarkdown, except that code spans stay code spans, so "run `calibrate`" renders as
 * code instead of showing backslashes.
 */
export function escapeProse(text: string, options: EscapeOptions = {}): string {
  const s = flatten(text, options.maxLength ?? 500)
  let out = ''
  let last = 0
  for (const m of s.matchAll(CODE_SPAN)) {
    out += escapeInline(s.slice(last, m.index)) + neutralizeHtmlComments(m[0])
    last = m.index + m[0].length
  }
  out += escapeInline(s.slice(last))
  return options.lineStart === false ? out : escapeBlockStart(out)
}

/** Text for a mermaid label: only characters that cannot end the label or start a directive. */
export function sanitizeChartLabel(text: string, maxLength = 40): string {
  const s = text.replace(/[^A-Za-z0-9 _.,+%/-]/g, '').trim()
  return (s.length > maxLength ? s.slice(0, maxLength) : s) || '?'
}
