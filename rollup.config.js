// Two self-contained ESM bundles: the action's entry and the CLI. Each inlines its dependencies so
// that `node dist/cli.js` and the runner's `node dist/index.js` need no node_modules. The CLI keeps
// what it imports with import() in chunks beside it (dist/cli/), so a command loads only its own
// code: compiling the whole 2 MB bundle is most of what `measure` spends before the user's
// command starts.
import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

// The dashboard inlines uPlot into its page; from the sources it reads the files from
// node_modules (src/adapters/uplot-assets.ts). In the bundle that module becomes their text, so
// dist/cli.js and dist/index.js write a working dashboard with no node_modules around.
function inlineChartAssets() {
  const require = createRequire(import.meta.url)
  return {
    name: 'inline-chart-assets',
    transform(_code, id) {
      if (!id.split(path.sep).join('/').endsWith('src/adapters/uplot-assets.ts')) return null
      const dir = path.dirname(require.resolve('uplot/package.json'))
      const read = (file) => readFileSync(path.join(dir, file), 'utf8')
      const assets = {
        js: read('dist/uPlot.iife.min.js'),
        css: read('dist/uPlot.min.css'),
        version: JSON.parse(read('package.json')).version
      }
      return {
        code: `export async function readChartAssets() {\n  return ${JSON.stringify(assets)}\n}\n`,
        map: null
      }
    }
  }
}

// Some CommonJS dependencies call require() at run time; give the ESM bundle one.
const banner =
  "import { createRequire as __jgCreateRequire } from 'node:module';\nconst require = __jgCreateRequire(import.meta.url);"

const bundle = (input, file, shebang, split) => ({
  input,
  output: {
    ...(split
      ? {
          dir: 'dist',
          entryFileNames: file.replace(/^dist\//, ''),
          chunkFileNames: 'cli/[name].js'
        }
      : { file, inlineDynamicImports: true }),
    format: 'es',
    sourcemap: false,
    banner: (chunk) => (shebang && chunk.isEntry ? `#!/usr/bin/env node\n${banner}` : banner)
  },
  onwarn(warning, warn) {
    if (warning.code === 'CIRCULAR_DEPENDENCY' && /node_modules/.test(warning.message)) return
    if (warning.code === 'THIS_IS_UNDEFINED') return
    warn(warning)
  },
  plugins: [
    typescript({
      tsconfig: './tsconfig.json',
      noEmit: false,
      outDir: 'dist',
      rootDir: '.',
      include: ['src/**/*.ts'],
      declaration: false
    }),
    // after typescript: it replaces the compiled module as a whole
    inlineChartAssets(),
    nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
    commonjs(),
    json()
  ]
})

export default [
  bundle('src/action/index.ts', 'dist/index.js', false, false),
  bundle('src/cli/index.ts', 'dist/cli.js', true, true)
]
