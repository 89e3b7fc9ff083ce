// Lists the exports of src/ that no other module imports (src, tests, bench, eval, scripts), so
// "export only what another module imports" can be checked: `npx tsx scripts/unused-exports.ts`.
// Exits 1 when it finds any. Type-only exports count like values; a namespace import, a dynamic
// import() or `export *` counts as using every export of the module it names.
import { readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ts from 'typescript'

const ROOTS = ['src', '__tests__', 'bench', 'eval', 'scripts']
/** entry points: what they export is for the runtime, not for other modules */
const ENTRIES = new Set(['src/action/index.ts', 'src/cli/index.ts'])

function listTs(dir: string): string[] {
  let entries: string[]
  try {
    entries = readdirSync(dir)
  } catch {
    return []
  }
  return entries.flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'fixtures' ? [] : listTs(path)
    return /\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts') ? [resolve(path)] : []
  })
}

const files = ROOTS.flatMap(listTs)
const program = ts.createProgram(files, {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  allowImportingTsExtensions: true,
  noEmit: true
})
const checker = program.getTypeChecker()
const used = new Map<string, Set<string>>()
const ALL = '*'
const mark = (file: string, name: string) => used.set(file, (used.get(file) ?? new Set()).add(name))

function target(from: ts.SourceFile, specifier: ts.Expression): string | null {
  if (!ts.isStringLiteral(specifier)) return null
  const r = ts.resolveModuleName(
    specifier.text,
    from.fileName,
    program.getCompilerOptions(),
    ts.sys
  )
  return r.resolvedModule?.resolvedFileName ?? null
}

for (const sf of program.getSourceFiles()) {
  if (!files.includes(sf.fileName)) continue
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const file = target(sf, node.moduleSpecifier)
      const clause = node.importClause
      if (file && clause) {
        if (clause.name) mark(file, 'default')
        const b = clause.namedBindings
        if (b && ts.isNamespaceImport(b)) mark(file, ALL)
        if (b && ts.isNamedImports(b))
          for (const el of b.elements) mark(file, (el.propertyName ?? el.name).text)
      }
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const file = target(sf, node.moduleSpecifier)
      if (file) {
        const clause = node.exportClause
        if (!clause || ts.isNamespaceExport(clause)) mark(file, ALL)
        else for (const el of clause.elements) mark(file, (el.propertyName ?? el.name).text)
      }
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0]
    ) {
      const file = target(sf, node.arguments[0])
      if (file) mark(file, ALL)
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
}

const unused: string[] = []
for (const sf of program.getSourceFiles()) {
  const rel = sf.fileName.slice(process.cwd().length + 1)
  if (!rel.startsWith('src/') || ENTRIES.has(rel)) continue
  const symbol = checker.getSymbolAtLocation(sf)
  if (!symbol) continue
  const names = used.get(sf.fileName) ?? new Set()
  if (names.has(ALL)) continue
  for (const exp of checker.getExportsOfModule(symbol)) {
    if (!names.has(exp.name)) unused.push(`${rel}: ${exp.name}`)
  }
}
console.log(unused.length === 0 ? 'no unused exports' : unused.join('\n'))
process.exitCode = unused.length === 0 ? 0 : 1
