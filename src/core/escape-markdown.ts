// User-provided text (commands, metric names, branch names, host names) goes into a pull-request
// comment: it must not render as markup, open HTML, break a table or notify anyone.

const ZWJ = '\u200d'
const HTML: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '|': '&#124;'
}

/**
 * Escapes text for markdown prose and table cells: HTML-significant characters and the pipe become
 * entities, markdown punctuation gets a backslash, line breaks become spaces, and a zero-width
 * joiner after every @ stops mentions (including team mentions) from notifying.
 */
export function escapeMarkdown(text: string, maxLength = 500): string {
  let s = text.replace(/[\r\n\t\v\f]+/g, ' ')
  // eslint-disable-next-line no-control-regex
  s = s.replace(/[\u0000-\u001f\u007f]/g, '')
  if (s.length > maxLength) s = `${s.slice(0, maxLength - 1)}…`
  // backslashes first: the entities added next contain # and ; which must stay as they are
  // Line breaks are gone, so block syntax (#, +, -, 1.) can only start the text itself; inline
  // syntax (emphasis, code, links, strikethrough) is escaped everywhere. Plain punctuation such as
  // "+12.5% (95% interval)" stays readable in the raw markdown and in terminals.
  return s
    .replace(/[\\`*_{}[\]~]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#+\-=]|\d+[.)])/, (_m, space: string, mark: string) => `${space}\\${mark}`)
    .replace(/[&<>"|]/g, (c) => HTML[c]!)
    .replace(/@/g, `@${ZWJ}`)
}

/** Text for a mermaid label: only characters that cannot end the label or start a directive. */
export function sanitizeChartLabel(text: string, maxLength = 40): string {
  const s = text.replace(/[^A-Za-z0-9 _.,+%/-]/g, '').trim()
  return (s.length > maxLength ? s.slice(0, maxLength) : s) || '?'
}
