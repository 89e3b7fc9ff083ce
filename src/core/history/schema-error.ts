// One wording for every file format's schema errors (Ajv): the field as a person writes it
// (`points[0].energyJ`), the value found and the schema's own `expected` text.
import type { ErrorObject } from 'ajv'
import { describeBadValue } from '../errors.js'

/** "/points/0/energyJ" -> "points[0].energyJ"; the root is `root` ("calibration", "measurement"). */
function pathOf(root: string, pointer: string, extra?: string): string {
  const parts = [...pointer.split('/').slice(1), ...(extra === undefined ? [] : [extra])]
  if (parts.length === 0) return root
  return parts.reduce((s, p) => (/^\d+$/.test(p) ? `${s}[${p}]` : s ? `${s}.${p}` : p), '')
}

export function describeSchemaError(root: string, e: ErrorObject): string {
  const parent = (e.parentSchema ?? {}) as { expected?: string; properties?: object }
  if (e.keyword === 'required') {
    const missing = String(e.params.missingProperty)
    const schema = (parent.properties as Record<string, { expected?: string }> | undefined)?.[
      missing
    ]
    return describeBadValue(
      pathOf(root, e.instancePath, missing),
      undefined,
      schema?.expected ?? 'set'
    )
  }
  return describeBadValue(pathOf(root, e.instancePath), e.data, parent.expected ?? e.message ?? '')
}
