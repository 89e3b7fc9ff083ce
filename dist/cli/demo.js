import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { o as openFolderStore } from './folder-backend.js';
import { g as formatKwh } from './format.js';
import { p as parseSettings } from './mod.js';
import { r as runCheck, e as exitCodeForVerdict } from './check2.js';
import { l as locateAssets } from './reference-suite.js';
import { c as createMeasureRunner } from './measure-runner.js';
import { r as readEnv } from './env.js';
import 'node:timers/promises';
import './ajv.js';
import './calibration-codec.js';
import './git.js';
import './process.js';
import 'node:child_process';
import 'node:fs';
import './parse-budget.js';
import './simple-statistics.js';
import 'tty';
import 'util';
import 'fs';
import 'net';
import 'process';
import 'buffer';
import './read-json-file.js';
import './preflight.js';
import './normalize2.js';
import './index.js';
import './metrics-protocol.js';
import './curve2.js';
import 'node:url';
import 'node:crypto';
import 'node:perf_hooks';
import 'node:string_decoder';

// joulegate demo: the main job on an embedded example. A tiny trainer records a baseline, a
// costlier variant is checked against a budget, and the report prints with its verdict. Real
// sensors where they exist, labelled estimates elsewhere.
const BUDGET = `# the demo's budget: what an improvement is worth
metrics:
  accuracy: higher
  val_loss: lower
budget:
  energy-increase: 10%
  price:
    metric: accuracy
    kwh-per-unit: 0.00002
  metric-drop:
    accuracy: 0.01
`;
const demo = {
    name: 'demo',
    summary: 'record a tiny trainer, check a costlier variant against a budget, print the report',
    usage: 'joulegate demo [--keep]',
    description: 'Records a baseline of a tiny trainer, checks a costlier variant against a budget and prints the report.',
    flags: [
        { name: 'keep', type: 'boolean', field: 'keep', help: "keep the demo's files and say where" }
    ],
    run: runDemo
};
async function runDemo(...[cli, io]) {
    const dir = await mkdtemp(join(tmpdir(), 'joulegate-demo-'));
    const store = openFolderStore(join(dir, 'store'));
    const runner = createMeasureRunner(io);
    const trainer = (hidden, epochs) => [
        process.execPath,
        locateAssets().cliPath,
        'workload',
        'tiny-trainer',
        '--hidden',
        String(hidden),
        '--epochs',
        String(epochs),
        '--samples',
        '16000'
    ];
    try {
        await writeFile(join(dir, 'joulegate.yml'), BUDGET);
        const settings = parseSettings({
            'budget-file': join(dir, 'joulegate.yml'),
            name: 'demo',
            'idle-seconds': '2'
        });
        const ctx = {
            cwd: dir,
            baseSha: null,
            headSha: null,
            store,
            log: runner.log,
            signal: runner.signal,
            env: readEnv(),
            onTick: runner.onTick,
            onStep: runner.onStep
        };
        runner.log('joulegate demo 1/2: recording the baseline (tiny trainer, 32 hidden units, 8 epochs)');
        const base = await runCheck({ ...settings, record: true }, { ...ctx, argv: trainer(32, 8) });
        runner.log(`  baseline: ${formatKwh(base.energyKwh)}`);
        runner.log('joulegate demo 2/2: checking a costlier variant (96 hidden units, 8 epochs) against the budget');
        const variant = await runCheck(settings, { ...ctx, argv: trainer(96, 8) });
        runner.clear();
        io.out(variant.summaryText);
        io.err(`\njoulegate demo: verdict ${variant.verdict}${variant.energyDeltaPercent === null ? '' : ` (energy ${variant.energyDeltaPercent >= 0 ? '+' : ''}${variant.energyDeltaPercent.toFixed(0)}%)`}; \`joulegate check\` would exit ${exitCodeForVerdict(variant.verdict)}.`);
        if (cli.keep)
            io.err(`files kept in ${dir}`);
        return 0;
    }
    finally {
        runner.dispose();
        await store.close();
        if (!cli.keep)
            await rm(dir, { recursive: true, force: true });
    }
}

export { demo };
