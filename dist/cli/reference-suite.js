import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { U as UsageError, d as describeBadValue } from './mod.js';
import { r as runProcess, d as describeExit } from './process.js';
import { r as readGpuInventory } from './measure-runner.js';

// The reference workloads (reference/manifest.json) resolved into runnable commands: the GPU suite
// through python3, the CPU suite through this very bundle (`joulegate workload NAME`).
/** Where reference/ and the CLI bundle are: next to dist/ in the action and the npm package. */
function locateAssets(moduleUrl = import.meta.url) {
    const here = dirname(fileURLToPath(moduleUrl));
    const roots = [resolve(here, '..'), resolve(here, '..', '..'), process.cwd()];
    const root = roots.find((r) => existsSync(join(r, 'reference', 'manifest.json')));
    if (!root)
        throw new Error(`reference/manifest.json not found next to ${here}; the package is incomplete`);
    return { referenceDir: join(root, 'reference'), cliPath: join(root, 'dist', 'cli.js') };
}
function loadReferenceSuite(python, assets = locateAssets()) {
    const manifest = JSON.parse(readFileSync(join(assets.referenceDir, 'manifest.json'), 'utf8'));
    const rewrite = (argv) => ({
        argv: argv.map((a, i) => {
            if (i === 0 && a === 'node')
                return process.execPath;
            if (i === 0 && a === 'python3')
                return python;
            if (a === 'dist/cli.js')
                return assets.cliPath;
            if (a.startsWith('reference/'))
                return join(assets.referenceDir, a.slice('reference/'.length));
            return a;
        })
    });
    return manifest.workloads.map((w) => ({
        name: w.name,
        device: w.device,
        command: rewrite(w.command),
        quick: rewrite(w.quick)
    }));
}
/**
 * `--workload NAME=CMD`: a team's own baseline training as a calibration point (run by the shell).
 * Its family (default: NAME) is what the series' pull-request runs carry, so that normalisation
 * can use this point as the anchor: DCASE's "run the baseline on your own hardware", automated.
 */
function parseCustomWorkload(text, family) {
    const eq = text.indexOf('=');
    const name = eq > 0 ? text.slice(0, eq).trim() : '';
    const command = eq > 0 ? text.slice(eq + 1).trim() : '';
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || command === '') {
        throw new UsageError(describeBadValue('--workload', text, 'NAME=COMMAND, e.g. baseline="python train.py --epochs 1"'));
    }
    return {
        name,
        device: 'custom',
        command: { shell: command },
        quick: null,
        family: family ?? name
    };
}
/** Importing torch takes seconds from a cold disk; a minute means a hung interpreter. */
const TORCH_PROBE_TIMEOUT_MS = 60_000;
/**
 * Asks the GPU suite itself whether this interpreter's PyTorch can run it (`--check-torch`: 2.1 or
 * newer), so an old distribution torch (Debian 12: 1.13) gives one line here, not a traceback
 * from the middle of a calibration. Returns null when it can, else the suite's own reason.
 */
async function probeTorch(python, suitePath) {
    const r = await runProcess(python, [suitePath, '--check-torch'], {
        timeoutMs: TORCH_PROBE_TIMEOUT_MS
    });
    if (r.code === 0 && !r.timedOut)
        return null;
    const said = r.stderr.trim().split('\n').pop() || r.stdout.toString('utf8').trim();
    return (said ||
        `${python} cannot run the GPU reference suite (${describeExit(r, TORCH_PROBE_TIMEOUT_MS)})`);
}
/**
 * The built-in suite for this runner: the GPU workloads when a GPU is visible (or asked for) and
 * PyTorch can be imported, else the CPU ones, with the reason in `notices`.
 */
async function chooseSuite(suite, env) {
    const python = env.python ?? 'python3';
    const assets = locateAssets();
    const all = loadReferenceSuite(python, assets);
    const cpu = all.filter((w) => w.device === 'cpu');
    if (suite === 'cpu')
        return { workloads: cpu, notices: [] };
    const gpuVisible = suite === 'gpu' || (await readGpuInventory(env).catch(() => [])).length > 0;
    if (!gpuVisible)
        return { workloads: cpu, notices: [] };
    const problem = await probeTorch(python, join(assets.referenceDir, 'gpu_suite.py'));
    if (problem === null)
        return { workloads: all.filter((w) => w.device === 'gpu'), notices: [] };
    const why = problem.replace(/^gpu_suite: /, `${python}: `);
    if (suite === 'gpu')
        throw new UsageError(`--suite gpu: ${why}; or set JOULEGATE_PYTHON to an interpreter with PyTorch >= 2.1`);
    return { workloads: cpu, notices: [`${why}. Calibrating with the CPU suite instead.`] };
}

export { chooseSuite as c, locateAssets as l, parseCustomWorkload as p };
