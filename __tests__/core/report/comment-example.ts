// The page docs/comment-example.md shows: the fail case's comment as a reviewer sees it.
import { renderCheckResult } from '../../../src/usecases/result-file.js'
import { makeCheckResult, SCENARIOS } from './scenarios.js'

export function renderCommentExample(): string {
  const report = renderCheckResult(makeCheckResult(SCENARIOS['fail']!)).report
  return `# Example pull-request comment

The comment joulegate posts (and writes as the job summary) when a pull request spends 35% more
energy than main and its metric did not improve. Generated from the test scenarios by
\`npx tsx scripts/render-comment-example.ts\`; a test checks it stays true.

---

${report}
`
}
