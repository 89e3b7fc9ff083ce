// Writes docs/comment-example.md from the rendered fail case, so the example stays true.
import { writeFileSync } from 'node:fs'
import { renderCommentExample } from '../__tests__/core/report/comment-example.js'

writeFileSync(new URL('../docs/comment-example.md', import.meta.url), renderCommentExample())
