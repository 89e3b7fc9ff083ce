// How a pull request's budget differs from its base's, in a few words per rule: the reviewer sees
// what the change would allow once merged, while the run itself is judged by the base's rules.
import type { Budget } from '../judge/budget/budget-schema.js'

const percent = (f: number | null): string =>
  f === null ? 'unset' : `${Number((f * 100).toFixed(4))}%`
const plain = (v: number | null): string => (v === null ? 'unset' : String(v))

function ruleValues(b: Budget): Map<string, string> {
  const out = new Map<string, string>([
    ['energy-kwh', plain(b.energyKwh)],
    ['energy-increase', percent(b.energyIncrease)],
    ['co2-grams', plain(b.co2Grams)],
    ['price', b.price ? `${b.price.kwhPerUnit} kWh per +1 ${b.price.metric}` : 'unset'],
    ['projected-kwh', plain(b.projectedKwh)]
  ])
  for (const [metric, drop] of Object.entries(b.metricDrop))
    out.set(`metric-drop.${metric}`, String(drop))
  for (const [metric, direction] of Object.entries(b.metrics))
    out.set(`metrics.${metric}`, direction)
  return out
}

/** "energy-increase 10% → 5000%; energy-kwh 2 → unset", or null when the rules are the same. */
export function describeBudgetChange(base: Budget, head: Budget): string | null {
  const before = ruleValues(base)
  const after = ruleValues(head)
  const keys = [...new Set([...before.keys(), ...after.keys()])]
  const changes = keys
    .map((k) => [k, before.get(k) ?? 'unset', after.get(k) ?? 'unset'] as const)
    .filter(([, a, b]) => a !== b)
    .map(([k, a, b]) => `${k} ${a} → ${b}`)
  return changes.length === 0 ? null : changes.join('; ')
}
