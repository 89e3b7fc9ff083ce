import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { hostname, release, totalmem, cpus, tmpdir, constants } from 'node:os';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join, basename } from 'node:path';
import { readdirSync, realpathSync, readFileSync, mkdtempSync, openSync, closeSync, rmSync, readSync, truncateSync, fstatSync, watch } from 'node:fs';
import { performance as performance$1 } from 'node:perf_hooks';
import { s as spawnInGroup, a as runOneShot } from './process.js';
import 'node:child_process';
import { U as UsageError } from './mod.js';
import { StringDecoder } from 'node:string_decoder';
import { c as collectFinalMetrics, s as splitCompleteLines, P as ProgressRecorder, p as parseMetricLine, t as takeCountedRank } from './metrics-protocol.js';
import { M as MEASUREMENT_SCHEMA } from './calibration-codec.js';
import { f as formatEnergy, e as formatSig } from './format.js';
import { s as sensorEnvOf, r as readEnv } from './env.js';

function sumEnergy(components) {
    return components.reduce((sum, c) => sum + c.energyJ, 0);
}
function netEnergy(energyJ, idlePowerW, durationS) {
    return idlePowerW === null ? null : energyJ - idlePowerW * durationS;
}
function summarizeRun(run, idlePowerW) {
    const energyJ = sumEnergy(run.components);
    return {
        exitCode: run.exitCode,
        signal: run.signal,
        durationS: run.durationS,
        energyJ,
        netEnergyJ: netEnergy(energyJ, idlePowerW, run.durationS),
        interrupted: run.interrupted
    };
}
function computeRepeatStats(runs) {
    const n = runs.length;
    const meanJ = runs.reduce((s, r) => s + r.energyJ, 0) / n;
    const variance = n > 1 ? runs.reduce((s, r) => s + (r.energyJ - meanJ) ** 2, 0) / (n - 1) : 0;
    const sdJ = Math.sqrt(variance);
    return {
        n,
        meanJ,
        sdJ,
        cv: meanJ > 0 ? sdJ / meanJ : 0,
        meanDurationS: runs.reduce((s, r) => s + r.durationS, 0) / n
    };
}
/** Averages components across runs by id, so that energyJ stays the sum of the components. */
function averageComponents(runs) {
    const byId = new Map();
    for (const components of runs)
        for (const c of components)
            byId.set(c.id, [...(byId.get(c.id) ?? []), c]);
    return [...byId.values()].map((list) => {
        const mean = (f) => {
            const xs = list.map(f).filter((x) => typeof x === 'number');
            return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
        };
        const first = list[0];
        const averaged = {
            ...first,
            energyJ: (mean((c) => c.energyJ) ?? 0) * (list.length / runs.length),
            meanPowerW: mean((c) => c.meanPowerW)
        };
        if (first.samples !== undefined)
            averaged.samples = Math.round(mean((c) => c.samples) ?? 0);
        if (first.coverage !== undefined)
            averaged.coverage = Math.min(...list.map((c) => c.coverage ?? 1));
        return averaged;
    });
}
/** One measurement file: a single run as is; repeats as the mean with per-run figures and spread. */
function assembleMeasurement(input) {
    const { runs, idlePowerW } = input;
    if (runs.length === 0)
        throw new Error('assembleMeasurement: no runs');
    const last = runs[runs.length - 1];
    const summaries = runs.map((r) => summarizeRun(r, idlePowerW));
    const components = runs.length === 1 ? last.components : averageComponents(runs.map((r) => r.components));
    const durationS = runs.reduce((s, r) => s + r.durationS, 0) / runs.length;
    const energyJ = sumEnergy(components);
    const { metrics, labels } = collectFinalMetrics(last.progress);
    const failed = runs.find((r) => r.interrupted || (r.exitCode ?? 1) !== 0) ?? last;
    const measurement = {
        schema: MEASUREMENT_SCHEMA,
        command: last.command,
        exitCode: failed.exitCode,
        signal: failed.signal,
        interrupted: runs.some((r) => r.interrupted),
        startedAt: runs[0].startedAt,
        durationS,
        energyJ,
        idlePowerW,
        netEnergyJ: netEnergy(energyJ, idlePowerW, durationS),
        intervalMs: input.intervalMs,
        components,
        metrics,
        progress: last.progress,
        host: input.host
    };
    if (Object.keys(labels).length > 0)
        measurement.labels = labels;
    const metricErrors = runs.flatMap((r) => r.metricErrors);
    if (metricErrors.length > 0)
        measurement.metricErrors = metricErrors;
    if (runs.length > 1) {
        measurement.runs = summaries;
        measurement.repeat = computeRepeatStats(summaries);
    }
    const notices = [...new Set([...input.notices, ...runs.flatMap((r) => r.notices ?? [])])];
    if (notices.length > 0)
        measurement.notices = notices;
    if (last.crossChecks && last.crossChecks.length > 0)
        measurement.crossChecks = last.crossChecks;
    return measurement;
}
/** The method behind a total: the weakest of its parts, so an estimate is never shown as measured. */
function describeTotalMethod(components) {
    const methods = new Set(components.map((c) => c.method));
    if (methods.size === 0)
        return 'none';
    if (methods.size === 1)
        return [...methods][0];
    return methods.has('estimate') ? 'mixed, includes estimate' : 'mixed';
}

// Host inventory for measurement files, calibration and the estimate: which CPU and GPUs did the
// work. Read from /proc, sysfs and /etc directly (a few small files, no child process), because
// it runs on every measurement's start and a slower inventory delays the user's command.
//
// The CPU name and core count reproduce what joulegate recorded when it asked lscpu (through
// systeminformation 5.x), so that a runner keeps its calibration fingerprint across the change:
// lscpu's "Model name" is /proc/cpuinfo's "model name" on x86, and on Arm it is the core's name
// from lscpu's table of part numbers (the common server and board cores are listed below).
const LINUX_ROOTS = { proc: '/proc', sys: '/sys', etc: '/etc' };
/** Arm Ltd. (implementer 0x41) cores as lscpu names them: Grace, Graviton, Altra, Jetson, Pi. */
const ARM_PARTS = {
    '0xd03': 'Cortex-A53',
    '0xd07': 'Cortex-A57',
    '0xd08': 'Cortex-A72',
    '0xd0b': 'Cortex-A76',
    '0xd0c': 'Neoverse-N1',
    '0xd40': 'Neoverse-V1',
    '0xd41': 'Cortex-A78',
    '0xd42': 'Cortex-A78AE',
    '0xd49': 'Neoverse-N2',
    '0xd4f': 'Neoverse-V2',
    '0xd84': 'Neoverse-V3',
    '0xd8e': 'Neoverse-N3'
};
/**
 * The fingerprint names a hardware configuration, not a machine: runners of one type share a
 * calibration. It leaves out the driver on purpose, so that a driver update shows up as drift
 * against the previous calibration instead of starting a new, unrelated series.
 */
function fingerprintHost(cpu, cores, gpus) {
    const key = JSON.stringify({
        cpu: cpu.trim(),
        cores,
        gpus: [...gpus].map((g) => g.trim()).sort()
    });
    return createHash('sha256').update(key).digest('hex').slice(0, 16);
}
const readText$1 = (path) => readFile(path, 'utf8').then((text) => text, () => null);
/** The first "key : value" of the lines whose key starts with `key` (case-insensitive). */
function valueOf(lines, key) {
    for (const line of lines) {
        if (!line.toLowerCase().replace(/\t/g, '').startsWith(key))
            continue;
        const at = line.indexOf(':');
        if (at >= 0)
            return line.slice(at + 1).trim();
    }
    return '';
}
const VENDORS = [
    ['intel', 'Intel'],
    ['amd', 'AMD'],
    ['qemu', 'QEMU'],
    ['hygon', 'Hygon'],
    ['centaur', 'WinChip/Via'],
    ['vmware', 'VMware'],
    ['tcg', 'QEMU'],
    ['apple', 'Apple'],
    ['sifive', 'SiFive'],
    ['thead', 'T-Head'],
    ['andestech', 'Andes Technology']
];
/** "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz" -> "Intel Xeon® Gold 6230": vendor, then model. */
function nameCpu(modelLine) {
    let brand = modelLine
        .replace(/To Be Filled By O.E.M./g, '')
        .split('@')[0]
        .trim();
    if (brand.includes('Unknown'))
        brand = brand.split('Unknown')[0].trim();
    const tidy = (s) => s.replace(/\s+/g, ' ').trim();
    brand = tidy(brand.replace(/\(R\)+/g, '®'));
    brand = tidy(brand.replace(/\(TM\)+/g, '™'));
    brand = tidy(brand.replace(/\(C\)+/g, '©'));
    brand = tidy(brand.replace(/CPU+/g, ''));
    const lower = brand.toLowerCase();
    let vendor = brand;
    for (const [needle, name] of VENDORS)
        if (lower.includes(needle))
            vendor = name;
    const model = brand.split(' ').slice(1).join(' ');
    return ([vendor, model]
        .filter((s) => s.trim() !== '')
        .join(' ')
        .trim() || 'unknown CPU');
}
/** lscpu names an Arm core by its part number (even where the kernel prints a "model name"). */
function modelLineOf(cpuinfo) {
    const armPart = valueOf(cpuinfo, 'cpu implementer') === '0x41'
        ? ARM_PARTS[valueOf(cpuinfo, 'cpu part')]
        : undefined;
    return armPart ?? valueOf(cpuinfo, 'model name');
}
/** Distinct (package, core) pairs and the count of CPUs with a topology (online ones have one). */
async function readTopology(sys) {
    const base = join(sys, 'devices/system/cpu');
    const names = await readdir(base).catch(() => []);
    const pairs = await Promise.all(names
        .filter((n) => /^cpu\d+$/.test(n))
        .map(async (n) => {
        const [pkg, core] = await Promise.all([
            readText$1(join(base, n, 'topology/physical_package_id')),
            readText$1(join(base, n, 'topology/core_id'))
        ]);
        return pkg === null || core === null ? null : `${pkg.trim()}:${core.trim()}`;
    }));
    const online = pairs.filter((p) => p !== null);
    return online.length === 0 ? null : { cores: new Set(online).size, threads: online.length };
}
async function readCpuInventory(roots = LINUX_ROOTS) {
    const [cpuinfo, meminfo, topology] = await Promise.all([
        readText$1(join(roots.proc, 'cpuinfo')),
        readText$1(join(roots.proc, 'meminfo')),
        readTopology(roots.sys)
    ]);
    const memKb = Number.parseInt(valueOf((meminfo ?? '').split('\n'), 'memtotal'), 10);
    const memoryBytes = Number.isFinite(memKb) ? memKb * 1024 : totalmem();
    if (cpuinfo === null) {
        // no /proc (not Linux): what Node knows, the processor's name and the logical CPUs
        const logical = cpus();
        const threads = topology?.threads ?? Math.max(logical.length, 1);
        return { name: nameCpu(logical[0]?.model ?? ''), cores: threads, threads, memoryBytes };
    }
    const lines = cpuinfo.split('\n');
    const processors = lines.filter((l) => /^processor\s*:/.test(l)).length;
    const threads = Math.max(topology?.threads ?? processors, 1);
    return {
        name: nameCpu(modelLineOf(lines)),
        cores: topology?.cores ?? threads,
        threads,
        memoryBytes
    };
}
/** os-release's NAME and version: "Debian GNU/Linux 12", "Ubuntu 22.04.4 LTS". */
async function readOsName(etc) {
    const release = {};
    for (const file of ['lsb-release', 'os-release']) {
        for (const line of ((await readText$1(join(etc, file))) ?? '').split('\n')) {
            const [key, value] = line.split('=');
            if (key !== undefined && value !== undefined)
                release[key.trim().toUpperCase()] = value.trim().replace(/"/g, '');
        }
    }
    const distro = release['DISTRIB_ID'] || release['NAME'] || 'unknown';
    let version = release['VERSION'] || '';
    const pretty = release['PRETTY_NAME'] || '';
    if (pretty.startsWith(`${distro} `))
        version = pretty.slice(distro.length + 1).trim();
    version = version.split('(')[0].trim();
    return `${distro} ${version || release['DISTRIB_RELEASE'] || release['VERSION_ID'] || 'unknown'}`;
}
async function readHostInventory(gpuNames, driver = null, roots = LINUX_ROOTS) {
    const [cpu, os, kernel, host] = await Promise.all([
        readCpuInventory(roots),
        readOsName(roots.etc),
        readText$1(join(roots.proc, 'sys/kernel/osrelease')),
        readText$1(join(roots.proc, 'sys/kernel/hostname'))
    ]);
    return {
        fingerprint: fingerprintHost(cpu.name, cpu.cores, gpuNames),
        cpu: cpu.name,
        gpus: [...gpuNames],
        driver,
        cores: cpu.cores,
        memoryGB: Math.round((cpu.memoryBytes / 1024 ** 3) * 10) / 10,
        os: `${os} (${kernel?.trim() || release()})`,
        hostname: host?.trim() || hostname()
    };
}

/**
 * Trapezoidal integral of power over [from, to] in joules. Readings outside the window are used to
 * interpolate its edges; the first and last readings are held flat towards the edges when the
 * window extends past them (a sampler starts and stops a little apart from the command).
 */
function integratePower(samples, from, to) {
    if (to <= from || samples.length === 0)
        return 0;
    const pts = [...samples].sort((a, b) => a.t - b.t);
    const at = (t) => {
        if (t <= pts[0].t)
            return pts[0].watts;
        const last = pts[pts.length - 1];
        if (t >= last.t)
            return last.watts;
        let i = 1;
        while (pts[i].t < t)
            i++;
        const a = pts[i - 1];
        const b = pts[i];
        return a.watts + ((b.watts - a.watts) * (t - a.t)) / (b.t - a.t);
    };
    const inner = pts.filter((p) => p.t > from && p.t < to);
    const knots = [{ t: from, watts: at(from) }, ...inner, { t: to, watts: at(to) }];
    let joules = 0;
    for (let i = 1; i < knots.length; i++) {
        const a = knots[i - 1];
        const b = knots[i];
        joules += ((a.watts + b.watts) / 2) * (b.t - a.t);
    }
    return joules;
}
/**
 * Energy counters (RAPL, NVML) lose nothing between readings, so reading them faster than this
 * buys only fresher progress stamps; every wake-up costs the monitor CPU (docs/benchmarks.md).
 */
const COUNTER_POLL_MIN_MS = 1000;

// Which Linux powercap RAPL zones to count, decided from the zone entries alone (pure).
//
// /sys/class/powercap lists every zone flat: `intel-rapl:0` (a package), `intel-rapl:0:0`
// (its core subzone), `intel-rapl:0:2` (dram), `intel-rapl:1` (maybe psys), and the MMIO
// interface `intel-rapl-mmio:0`, which reads the same package a second time. Counting all of them
// would add core and uncore to the package that already contains them, the package twice, and psys
// (the whole SoC/platform) on top of its own parts.
const TOP = /^intel-rapl:(\d+)$/;
const SUB = /^intel-rapl:(\d+):(\d+)$/;
const PACKAGE = /^package-(\d+)(?:-die-(\d+))?$/;
/** Picks each package zone and its dram subzone once; everything else is skipped with a reason. */
function selectRaplZones(entries) {
    const zones = [];
    const skipped = [];
    const packageIdByTop = new Map();
    const seenNames = new Set();
    const sorted = [...entries].sort((a, b) => compareEntries(a.entry, b.entry));
    for (const e of sorted) {
        if (e.entry.startsWith('intel-rapl-mmio')) {
            skipped.push({ ...e, reason: 'MMIO interface: the same package as its intel-rapl zone' });
            continue;
        }
        const top = TOP.exec(e.entry);
        if (!top)
            continue;
        const name = e.name?.trim() ?? null;
        const pkg = name === null ? null : PACKAGE.exec(name);
        if (name === 'psys') {
            skipped.push({ ...e, name, reason: 'psys covers the whole platform, packages included' });
        }
        else if (!pkg) {
            skipped.push({ ...e, name, reason: 'not a package zone' });
        }
        else if (seenNames.has(name)) {
            skipped.push({ ...e, name, reason: `a second zone named ${name}` });
        }
        else {
            seenNames.add(name);
            const id = pkg[2] === undefined ? `cpu${pkg[1]}` : `cpu${pkg[1]}-die${pkg[2]}`;
            packageIdByTop.set(top[1], id);
            zones.push({ entry: e.entry, id, kind: 'cpu', name: name });
        }
    }
    for (const e of sorted) {
        const sub = SUB.exec(e.entry);
        if (!sub)
            continue;
        const name = e.name?.trim() ?? null;
        const parent = packageIdByTop.get(sub[1]);
        if (parent === undefined) {
            skipped.push({ ...e, name, reason: 'its parent zone is not counted' });
        }
        else if (name === 'dram') {
            zones.push({ entry: e.entry, id: parent.replace(/^cpu/, 'ram'), kind: 'ram', name });
        }
        else {
            skipped.push({ ...e, name, reason: 'inside its package zone, already counted' });
        }
    }
    return { zones, skipped };
}
function compareEntries(a, b) {
    const na = a.split(/[:]/).map((p) => (/^\d+$/.test(p) ? p.padStart(6, '0') : p));
    const nb = b.split(/[:]/).map((p) => (/^\d+$/.test(p) ? p.padStart(6, '0') : p));
    return na.join(':').localeCompare(nb.join(':'));
}
/** The power no single RAPL package is assumed to exceed when sizing the poll period. */
const RAPL_ASSUMED_MAX_W = 500;
/** Poll at least this many times per wrap so a late timer still sees every wrap. */
const RAPL_POLLS_PER_WRAP = 4;
/**
 * Poll period in ms: the sampling interval but no faster than COUNTER_POLL_MIN_MS, and less when
 * a counter could wrap more than once between two readings at RAPL_ASSUMED_MAX_W (a 2^32 µJ range
 * wraps in 8.6 s at 500 W).
 */
function computeRaplPollMs(intervalMs, rangesUj, maxW = RAPL_ASSUMED_MAX_W) {
    let poll = Math.max(intervalMs, COUNTER_POLL_MIN_MS);
    for (const range of rangesUj) {
        if (range === null || !(range > 0))
            continue;
        const wrapMs = (range / 1e6 / maxW) * 1000;
        poll = Math.min(poll, wrapMs / RAPL_POLLS_PER_WRAP);
    }
    return Math.max(1, Math.floor(poll));
}
/** Parses a sysfs integer file's text (energy_uj, max_energy_range_uj, power1_average). */
function parseSysfsInteger(text) {
    const t = text.trim();
    if (!/^-?\d+$/.test(t))
        return null;
    const n = Number(t);
    return Number.isSafeInteger(n) ? n : null;
}

// Pure parsing of nvidia-smi output and CUDA_VISIBLE_DEVICES selection.
/** Power fields in order of preference for integration: instant readings first (Ampere+ `power.draw` is a 1 s average). */
const POWER_FIELDS = ['power.draw.instant', 'power.draw', 'power.draw.average'];
const LIMIT_FIELDS = ['enforced.power.limit', 'power.limit'];
/** Field names listed by `nvidia-smi --help-query-gpu` (`"name" or "gpu_name"` lines give both). */
function parseHelpQueryGpu(text) {
    const fields = new Set();
    for (const line of text.split(/\r?\n/)) {
        if (!line.startsWith('"'))
            continue;
        for (const m of line.matchAll(/"([A-Za-z0-9_.\-[\]]+)"/g))
            fields.add(m[1]);
    }
    return fields;
}
function choosePowerField(fields) {
    return POWER_FIELDS.find((f) => fields.has(f)) ?? null;
}
function chooseLimitField(fields) {
    return LIMIT_FIELDS.find((f) => fields.has(f)) ?? null;
}
/**
 * A numeric cell, with or without units ("251.37 W", "251.37"); null for nvidia-smi's
 * placeholders ([N/A], [Not Supported], [Unknown Error], [Insufficient Permissions], N/A).
 */
function parseNvidiaNumber(raw) {
    if (raw === undefined)
        return null;
    const t = raw.trim();
    if (t === '' || t.startsWith('[') || t === 'N/A')
        return null;
    const m = /^(-?\d+(?:\.\d+)?)(?:\s*[A-Za-z%]+)?$/.exec(t);
    return m ? Number(m[1]) : null;
}
/**
 * nvidia-smi's `timestamp` cell ("YYYY/MM/DD HH:MM:SS.msec", the host's local time) as
 * milliseconds of that wall-clock reading taken as if it were UTC: the caller compares it with its
 * own local wall clock read the same way, so no time zone enters this pure function. Null when the
 * cell is not a valid timestamp.
 */
function parseNvidiaTimestamp(raw) {
    const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(raw?.trim() ?? '');
    if (!m)
        return null;
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return null;
    const frac = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
    return Date.UTC(y, mo - 1, d, h, mi, s) + frac;
}
/** How far a stamp may lead the read (rounding) or trail the previous read (query time), s. */
const AHEAD_S = 0.05;
const BEHIND_S = 1;
/**
 * Places a loop reading stamped `wallMs` on the caller's clock. A stamp that cannot be right
 * (unparsable, ahead of the read, older than the previous read, or not after the GPU's previous
 * reading: the wall clock was stepped) falls back to one interval after the previous reading, at
 * most the read time; `stamped` says which.
 */
function placeNvidiaReading(wallMs, c) {
    const t = wallMs === null ? NaN : wallMs / 1000 + c.offsetS;
    const prev = c.previousS ?? -Infinity;
    if (t <= c.nowS + AHEAD_S && t >= c.previousReadS - BEHIND_S && t > prev)
        return { t, stamped: true };
    if (c.previousS === null)
        return { t: c.nowS, stamped: false };
    return {
        t: Math.max(Math.min(c.nowS, c.previousS + c.intervalS), c.previousS + 1e-6),
        stamped: false
    };
}
/** Header cell to field name: `power.draw [W]` -> `power.draw`. */
function parseHeaderCell(cell) {
    return cell.trim().replace(/\s*\[[^\]]*\]$/, '');
}
/**
 * Splits one CSV line into `count` cells. The last cell keeps any commas, so the GPU name (which
 * may contain commas) is queried last.
 */
function splitCsvLine(line, count) {
    const cells = [];
    let from = 0;
    for (let i = 0; i < count - 1; i++) {
        const comma = line.indexOf(',', from);
        if (comma < 0)
            return null;
        cells.push(line.slice(from, comma).trim());
        from = comma + 1;
    }
    cells.push(line.slice(from).trim());
    return cells;
}
/** Inventory fields that are nice to have: a minimal nvidia-smi (an emulator) may refuse them. */
const OPTIONAL_LIST_FIELDS = ['uuid', 'pci.bus_id', 'driver_version'];
/**
 * The GPU listing queries to try in turn, richest first (`name` last: it may hold commas).
 * `helpFields`: what `--help-query-gpu` listed, null when it failed or listed nothing, in which
 * case the full list is tried first anyway. Each next query drops optional fields, down to `index`.
 */
function buildGpuListQueries(helpFields) {
    const known = (f) => helpFields === null || helpFields.has(f);
    const limit = helpFields === null ? LIMIT_FIELDS[0] : chooseLimitField(helpFields);
    const name = known('name') ? ['name'] : [];
    const queries = [
        ['index', ...OPTIONAL_LIST_FIELDS.filter(known), ...(limit ? [limit] : []), ...name],
        ['index', ...(known('uuid') ? ['uuid'] : []), ...name],
        ['index', ...name],
        ['index']
    ];
    const seen = new Set();
    return queries.filter((q) => !seen.has(q.join()) && !!seen.add(q.join()));
}
/**
 * Parses the probe's `--query-gpu=<fields> --format=csv` answer (a header with units, then one
 * line per GPU). Fields read: index, uuid, pci.bus_id, name, driver_version and a power limit.
 * `fields`: the fields asked for, used as the header when the answer has none (an emulator that
 * ignores `csv`'s header).
 */
function parseGpuListCsv(text, fields) {
    let lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (lines.length === 0)
        return [];
    let header = splitCsvLine(lines[0], lines[0].split(',').length).map(parseHeaderCell);
    if (fields && !header.includes('index'))
        header = [...fields];
    else
        lines = lines.slice(1);
    const col = (name) => header.indexOf(name);
    const nameCol = col('name') >= 0 ? col('name') : col('gpu_name');
    const limitCol = LIMIT_FIELDS.map(col).find((i) => i >= 0) ?? -1;
    const gpus = [];
    for (const line of lines) {
        const cells = splitCsvLine(line, header.length);
        if (!cells)
            continue;
        const index = Number(cells[col('index')]);
        if (!Number.isInteger(index))
            continue;
        const driver = col('driver_version') >= 0 ? cells[col('driver_version')] : null;
        gpus.push({
            index,
            uuid: cells[col('uuid')] ?? '',
            busId: cells[col('pci.bus_id')] ?? '',
            name: nameCol >= 0 ? cells[nameCol] : 'NVIDIA GPU',
            powerLimitW: limitCol >= 0 ? parseNvidiaNumber(cells[limitCol]) : null,
            driver: driver === null || driver.startsWith('[') ? null : driver
        });
    }
    return gpus;
}
/** MIG device UUID -> parent GPU UUID, from `nvidia-smi -L`. */
function parseMigParents(listText) {
    const parents = new Map();
    let parent = null;
    for (const line of listText.split(/\r?\n/)) {
        const gpu = /^GPU \d+:.*\(UUID: (GPU-[^)]+)\)/.exec(line);
        if (gpu)
            parent = gpu[1];
        const mig = /^\s+MIG .*\(UUID: (MIG-[^)]+)\)/.exec(line);
        if (mig && parent !== null)
            parents.set(mig[1], parent);
    }
    return parents;
}
/**
 * The GPUs a CUDA program would see. CUDA_VISIBLE_DEVICES holds indices, `GPU-` UUIDs (a unique
 * prefix is enough) or MIG entries (`MIG-<uuid>` or the older `MIG-GPU-<uuid>/<gi>/<ci>`);
 * like CUDA, enumeration stops at the first entry that matches nothing. Indices are taken in
 * nvidia-smi's PCI bus order, which is CUDA's order under CUDA_DEVICE_ORDER=PCI_BUS_ID and, on a
 * host whose GPUs are all the same model, under the default FASTEST_FIRST too.
 */
function selectVisibleGpus(gpus, cudaVisibleDevices, migParents = new Map(), cudaDeviceOrder) {
    const notes = [];
    const migOnParent = new Map();
    if (cudaVisibleDevices === undefined)
        return { selected: [...gpus], notes, migOnParent };
    const chosen = [];
    const add = (gpu) => {
        if (!chosen.includes(gpu))
            chosen.push(gpu);
    };
    let usedIndices = false;
    const tokens = cudaVisibleDevices.split(',').map((t) => t.trim());
    for (const token of tokens) {
        let gpu;
        if (/^\d+$/.test(token)) {
            usedIndices = true;
            gpu = gpus[Number(token)];
        }
        else if (token.startsWith('GPU-')) {
            const matches = gpus.filter((g) => g.uuid.startsWith(token));
            gpu = matches.length === 1 ? matches[0] : undefined;
        }
        else if (token.startsWith('MIG-')) {
            const legacy = /^MIG-(GPU-[0-9a-fA-F-]+)\//.exec(token);
            const parent = legacy ? legacy[1] : migParents.get(token);
            gpu = parent === undefined ? undefined : gpus.find((g) => g.uuid === parent);
            if (gpu)
                migOnParent.set(gpu.uuid, [...(migOnParent.get(gpu.uuid) ?? []), token]);
        }
        if (gpu === undefined) {
            if (token !== '') {
                notes.push(`CUDA_VISIBLE_DEVICES entry "${token}" matches no GPU; like CUDA, it and the entries after it are ignored`);
            }
            break;
        }
        add(gpu);
    }
    const models = new Set(gpus.map((g) => g.name));
    if (usedIndices && models.size > 1 && cudaDeviceOrder !== 'PCI_BUS_ID') {
        notes.push('CUDA_VISIBLE_DEVICES uses indices on a host with different GPU models: they are read in PCI bus order (nvidia-smi), while CUDA orders FASTEST_FIRST unless CUDA_DEVICE_ORDER=PCI_BUS_ID; set it, or use GPU UUIDs');
    }
    for (const [parent, migs] of migOnParent) {
        notes.push(`MIG: ${migs.join(', ')} run on GPU ${parent}; its power and energy are measured for the whole GPU (MIG slices have no meter of their own)`);
    }
    return { selected: chosen, notes, migOnParent };
}

// A power timeline for the power-integration sensors (nvidia-smi, amdgpu hwmon): readings come in
// with absolute times (s); a running trapezoid keeps snapshot() free of work, and the exact window
// integral (integratePower) is taken once, at stop.
class PowerTimeline {
    intervalS;
    samples = [];
    last = null;
    start = null;
    runningJ = 0;
    /** readings that were [N/A] or unreadable */
    missing = 0;
    /** readings refused as physically impossible for the device (isPlausiblePower) */
    refused = 0;
    maxRefusedW = 0;
    /** `intervalS`: the expected spacing of readings; longer gaps lower the coverage. */
    constructor(intervalS) {
        this.intervalS = intervalS;
    }
    /** Opens the window at `t` (s); earlier readings only serve to interpolate its edge. */
    open(t) {
        this.start = t;
        this.runningJ = 0;
        const before = this.last;
        this.samples = before ? [before] : [];
    }
    get opened() {
        return this.start !== null;
    }
    /** the time of the latest reading, null before the first */
    get latestT() {
        return this.last?.t ?? null;
    }
    get count() {
        return this.samples.length;
    }
    add(t, watts) {
        if (watts === null || !Number.isFinite(watts)) {
            this.missing++;
            return;
        }
        const s = { t, watts };
        const a = this.last;
        // a reading not after the previous one (two reads in the same instant) adds nothing
        if (a !== null && a.t >= t)
            return;
        if (this.start !== null && t > this.start) {
            if (a === null) {
                this.runningJ += watts * (t - this.start);
            }
            else if (a.t < this.start) {
                const w0 = a.watts + ((watts - a.watts) * (this.start - a.t)) / (t - a.t);
                this.runningJ += ((w0 + watts) / 2) * (t - this.start);
            }
            else {
                this.runningJ += ((a.watts + watts) / 2) * (t - a.t);
            }
        }
        this.samples.push(s);
        this.last = s;
    }
    /** Counts a reading the device cannot have given; like a missing one, its time is a gap. */
    refuse(watts) {
        this.refused++;
        if (!(watts <= this.maxRefusedW))
            this.maxRefusedW = watts;
    }
    /** The largest refused reading (W), for the note. */
    get largestRefusedW() {
        return this.maxRefusedW;
    }
    /** Energy since open() as of the latest reading (no allocation). */
    energySoFar() {
        return this.runningJ;
    }
    /**
     * The window's integral and coverage. A gap between readings longer than three intervals
     * (at least interval + 0.25 s, for jitter) counts as uncovered, less the one interval it would
     * have taken anyway.
     */
    finish(end) {
        const start = this.start ?? end;
        const span = end - start;
        const energyJ = integratePower(this.samples, start, end);
        const inside = this.samples.filter((s) => s.t >= start && s.t <= end);
        const tolerance = Math.max(3 * this.intervalS, this.intervalS + 0.25);
        let uncovered = 0;
        let prev = start;
        for (const t of [...inside.map((s) => s.t), end]) {
            if (t - prev > tolerance)
                uncovered += t - prev - this.intervalS;
            prev = t;
        }
        const coverage = span > 0 ? Math.max(0, Math.min(1, 1 - uncovered / span)) : 1;
        return {
            energyJ,
            meanPowerW: span > 0 && this.samples.length > 0 ? energyJ / span : null,
            samples: inside.length,
            coverage: this.samples.length === 0 ? 0 : coverage
        };
    }
}
/**
 * Places readings that a tool stamped with the local wall clock (nvidia-smi's `timestamp`, read
 * as if UTC) on performance.now's timeline (s), which the window uses. The offset between the two
 * is measured at each read, so slow clock corrections never add up; a stamp a clock step made
 * impossible is replaced (placeNvidiaReading) and counted in `unstamped`.
 */
class WallStampClock {
    intervalS;
    nowS = 0;
    offsetS = 0;
    previousReadS = performance$1.now() / 1000;
    unstamped = 0;
    constructor(intervalS) {
        this.intervalS = intervalS;
    }
    /** Call before handing over the lines of one read. */
    beginRead() {
        const wall = new Date();
        this.nowS = performance$1.now() / 1000;
        this.offsetS = this.nowS - (wall.getTime() - wall.getTimezoneOffset() * 60000) / 1000;
    }
    /** Call after them: later reads only hold lines written after this one. */
    endRead() {
        this.previousReadS = this.nowS;
    }
    /** The time of a reading stamped `wallMs` (null: unparsable) after one at `previousS`. */
    place(wallMs, previousS) {
        const { t, stamped } = placeNvidiaReading(wallMs, {
            nowS: this.nowS,
            offsetS: this.offsetS,
            previousReadS: this.previousReadS,
            previousS,
            intervalS: this.intervalS
        });
        if (!stamped)
            this.unstamped++;
        return t;
    }
}

// AMD GPUs through the amdgpu hwmon interface: power1_average or power1_input (µW), whichever
// the card exposes, sampled and integrated over time.
function tryRead(file) {
    try {
        return readFileSync(file, 'utf8').trim();
    }
    catch {
        return null;
    }
}
/** Lists amdgpu hwmon devices that report power, ordered by PCI address. */
function listAmdGpus(sysfsRoot) {
    const base = join(sysfsRoot, 'class', 'hwmon');
    let entries;
    try {
        entries = readdirSync(base).filter((e) => /^hwmon\d+$/.test(e));
    }
    catch {
        return [];
    }
    const gpus = [];
    for (const entry of entries) {
        const dir = join(base, entry);
        if (tryRead(join(dir, 'name')) !== 'amdgpu')
            continue;
        const powerFile = ['power1_average', 'power1_input']
            .map((f) => join(dir, f))
            .find((f) => tryRead(f) !== null);
        if (!powerFile)
            continue;
        let busId;
        try {
            busId = basename(realpathSync(join(dir, 'device')));
        }
        catch {
            busId = null;
        }
        const cap = parseSysfsInteger(tryRead(join(dir, 'power1_cap')) ?? '');
        gpus.push({
            hwmon: dir,
            powerFile,
            name: tryRead(join(dir, 'device', 'product_name')) || 'AMD GPU (hwmon)',
            busId,
            powerLimitW: cap === null ? null : cap / 1e6
        });
    }
    return gpus.sort((a, b) => (a.busId ?? a.hwmon).localeCompare(b.busId ?? b.hwmon));
}
/** `firstIndex`: component ids continue after the NVIDIA GPUs (gpu0.. are taken by them). */
function createAmdHwmonProbe(firstIndex = 0) {
    return {
        source: 'amd-hwmon',
        async probe(env) {
            const gpus = listAmdGpus(env.sysfsRoot);
            if (gpus.length === 0)
                return { sensor: null, notices: [] };
            return { sensor: new AmdHwmonSensor(env, gpus, firstIndex), notices: [] };
        }
    };
}
class AmdHwmonSensor {
    env;
    gpus;
    firstIndex;
    source = 'amd-hwmon';
    timelines = [];
    timer = null;
    constructor(env, gpus, firstIndex) {
        this.env = env;
        this.gpus = gpus;
        this.firstIndex = firstIndex;
    }
    async start() {
        this.timelines = this.gpus.map(() => new PowerTimeline(this.env.intervalMs / 1000));
        this.poll();
        const t0 = performance$1.now() / 1000;
        for (const tl of this.timelines)
            tl.open(t0);
        this.timer = setInterval(() => this.poll(), this.env.intervalMs);
        this.timer.unref();
    }
    poll() {
        const t = performance$1.now() / 1000;
        this.gpus.forEach((g, i) => {
            const uw = parseSysfsInteger(tryRead(g.powerFile) ?? '');
            this.timelines[i].add(t, uw === null ? null : uw / 1e6);
        });
    }
    /** Samples power now, so the running energy reaches this instant. */
    async refresh() {
        if (this.timelines.length > 0)
            this.poll();
        return Promise.resolve();
    }
    snapshot() {
        return this.gpus.map((_, i) => ({
            id: `gpu${this.firstIndex + i}`,
            energyJ: this.timelines[i]?.energySoFar() ?? 0
        }));
    }
    async stop() {
        if (this.timer)
            clearInterval(this.timer);
        this.timer = null;
        this.poll();
        const end = performance$1.now() / 1000;
        return this.gpus.map((g, i) => {
            const tl = this.timelines[i];
            const r = tl.finish(end);
            const measured = tl.latestT !== null;
            const c = {
                id: `gpu${this.firstIndex + i}`,
                kind: 'gpu',
                name: g.name,
                method: 'power-integration',
                source: 'amd-hwmon',
                energyJ: measured ? r.energyJ : 0,
                meanPowerW: measured ? r.meanPowerW : null,
                powerLimitW: g.powerLimitW,
                samples: measured ? r.samples : 0,
                coverage: measured ? r.coverage : 0
            };
            if (g.busId)
                c.busId = g.busId;
            const notes = [];
            if (tl.missing > 0)
                notes.push(`${tl.missing} readings of ${basename(g.powerFile)} failed`);
            if (!measured)
                notes.push(`${basename(g.powerFile)} gave no power reading: not measured`);
            if (notes.length > 0)
                c.notes = notes;
            return c;
        });
    }
}

// The fallback power model used when no energy counter or power sensor can be read (pure).
//
// CPU: linear in utilisation per hardware thread, P = threads × (Pmin + (Pmax − Pmin) × load),
// with the Cloud Carbon Footprint averages derived from SPECpower_ssj2008 results
// (cloudcarbonfootprint.org methodology, Appendix I, AWS: 0.74 W at 0 % and 3.5 W at 100 % per vCPU).
// RAM: constant per GB, 0.392 W/GB (the same methodology: 0.000392 kWh per GB-hour). CodeCarbon's
// 3 W per 8 GB (0.375 W/GB, after Crucial) agrees within 5 %. See docs/sensors.md.
const CPU_MODEL = {
    name: 'ccf-specpower-linear',
    minWattsPerThread: 0.74,
    maxWattsPerThread: 3.5,
    source: 'Cloud Carbon Footprint methodology, Appendix I (AWS averages of SPECpower_ssj2008 results)'
};
const RAM_MODEL = {
    name: 'ccf-memory',
    wattsPerGB: 0.392,
    source: 'Cloud Carbon Footprint methodology, memory coefficient 0.000392 kWh/GB-h'
};
/** Estimated CPU power in W for `threads` logical CPUs at `load` (0..1, clamped). */
function estimateCpuPowerW(threads, load) {
    const u = Number.isFinite(load) ? Math.min(1, Math.max(0, load)) : 0;
    const perThread = CPU_MODEL.minWattsPerThread + (CPU_MODEL.maxWattsPerThread - CPU_MODEL.minWattsPerThread) * u;
    return Math.max(0, threads) * perThread;
}
/** Estimated DRAM power in W for `gigabytes` of installed memory (independent of use). */
function estimateRamPowerW(gigabytes) {
    return Math.max(0, gigabytes) * RAM_MODEL.wattsPerGB;
}
/** The `model` text of an estimated CPU component: the model and its coefficients. */
function describeCpuModel(threads) {
    return `${CPU_MODEL.name}: P = ${threads} threads × (${CPU_MODEL.minWattsPerThread} + (${CPU_MODEL.maxWattsPerThread} − ${CPU_MODEL.minWattsPerThread}) × load) W, load sampled during the run; ${CPU_MODEL.source}`;
}
function describeRamModel(gigabytes) {
    return `${RAM_MODEL.name}: P = ${RAM_MODEL.wattsPerGB} W/GB × ${round(gigabytes, 1)} GB; ${RAM_MODEL.source}`;
}
function round(x, digits) {
    const f = 10 ** digits;
    return Math.round(x * f) / f;
}

// The estimate used when no CPU counter can be read: the model of src/core/measure/estimate-model.ts fed
// with the host inventory (CPU model, logical CPUs, memory) and the host's CPU load sampled during
// the run from /proc/stat. Every component it returns says method "estimate" and names its model.
/** One load reading a second is plenty for a mean (the kernel's counters tick at 100 Hz). */
const MIN_LOAD_PERIOD_MS = 1000;
async function readEstimateHost() {
    const cpu = await readCpuInventory();
    return {
        cpuName: cpu.name === 'unknown CPU' ? 'CPU' : cpu.name,
        threads: cpu.threads,
        memoryGB: cpu.memoryBytes / 1024 ** 3
    };
}
/**
 * All CPUs' busy and total time so far: user, nice, system and irq are busy; idle is not; iowait,
 * softirq and steal are left out of both, as the load joulegate has always modelled counted them.
 */
async function readCpuTicks() {
    const stat = await readFile('/proc/stat', 'utf8').catch(() => null);
    const line = stat?.split('\n', 1)[0];
    if (line?.startsWith('cpu ')) {
        const [user, nice, system, idle, , irq] = line.trim().split(/\s+/).slice(1).map(Number);
        const busy = user + nice + system + (irq ?? 0);
        return { busy, total: busy + idle };
    }
    // no /proc (not Linux): the same counters through Node
    return cpus().reduce((sum, c) => {
        const busy = c.times.user + c.times.nice + c.times.sys + c.times.irq;
        return { busy: sum.busy + busy, total: sum.total + busy + c.times.idle };
    }, { busy: 0, total: 0 });
}
/** A load reader: the host's CPU load in % since its previous call (since boot on the first). */
function createLoadReader() {
    let last = { busy: 0, total: 0 };
    return async () => {
        const now = await readCpuTicks();
        const dTotal = now.total - last.total;
        const load = dTotal > 0 ? (100 * (now.busy - last.busy)) / dTotal : 0;
        last = now;
        return load;
    };
}
function createEstimateProbe(options = {}) {
    return {
        source: 'estimate',
        async probe(env) {
            const host = await readEstimateHost();
            return { sensor: new EstimateSensor(env, host, options), notices: [] };
        }
    };
}
class EstimateSensor {
    env;
    host;
    options;
    source = 'estimate';
    cpuJ = 0;
    ramJ = 0;
    lastT = 0;
    t0 = 0;
    loadSum = 0;
    samples = 0;
    timer = null;
    busy = null;
    readLoad;
    constructor(env, host, options = {}) {
        this.env = env;
        this.host = host;
        this.options = options;
        this.readLoad = options.readLoad ?? createLoadReader();
    }
    async start() {
        this.cpuJ = 0;
        this.ramJ = 0;
        this.loadSum = 0;
        this.samples = 0;
        await this.readLoad(); // primes the load counters: the next reading covers this window only
        this.t0 = performance$1.now() / 1000;
        this.lastT = this.t0;
        this.timer = setInterval(() => void this.sample().catch(() => undefined), Math.max(MIN_LOAD_PERIOD_MS, this.env.intervalMs));
        this.timer.unref();
    }
    /** The load is the mean over [lastT, now]; with a linear model that makes each step exact. */
    sample() {
        if (this.busy)
            return this.busy;
        this.busy = (async () => {
            try {
                const load = (await this.readLoad()) / 100;
                const now = performance$1.now() / 1000;
                const dt = now - this.lastT;
                this.cpuJ += estimateCpuPowerW(this.host.threads, load) * dt;
                this.ramJ += estimateRamPowerW(this.host.memoryGB) * dt;
                this.loadSum += load * dt;
                this.samples++;
                this.lastT = now;
            }
            finally {
                this.busy = null;
            }
        })();
        return this.busy;
    }
    /** Samples the load now (one read of /proc/stat: cheap); a failure keeps the last step. */
    async refresh() {
        if (this.t0 === 0)
            return;
        await this.sample().catch(() => undefined);
    }
    snapshot() {
        return [
            { id: 'cpu0', energyJ: this.cpuJ },
            { id: 'ram', energyJ: this.ramJ }
        ];
    }
    async stop() {
        if (this.timer)
            clearInterval(this.timer);
        this.timer = null;
        await this.sample().catch(() => undefined);
        const span = this.lastT - this.t0;
        const meanLoad = span > 0 ? this.loadSum / span : 0;
        const notes = [
            ...(this.options.reason ? [this.options.reason] : []),
            `estimated from a model, not measured; mean host CPU load ${(meanLoad * 100).toFixed(1)} %`
        ];
        const base = { method: 'estimate', source: 'estimate', samples: this.samples, notes };
        return [
            {
                ...base,
                id: 'cpu0',
                kind: 'cpu',
                name: this.host.cpuName,
                energyJ: this.cpuJ,
                meanPowerW: span > 0 ? this.cpuJ / span : null,
                model: describeCpuModel(this.host.threads)
            },
            {
                ...base,
                id: 'ram',
                kind: 'ram',
                name: `RAM ${this.host.memoryGB.toFixed(1)} GB`,
                energyJ: this.ramJ,
                meanPowerW: span > 0 ? this.ramJ / span : null,
                model: describeRamModel(this.host.memoryGB)
            }
        ];
    }
}

// Which sensor readings are physically possible for the device that gave them (pure). A GPU that
// reports 100 MW, or an energy counter that jumps by more than the device could draw in the time
// between two readings, is a fault of the sensor (a firmware glitch, a counter reset, a garbled
// line), not energy; counting it would turn one bad reading into a confident fail or pass.
/** A GPU never draws more than its power limit by this factor (brief excursions stay well under). */
const POWER_LIMIT_MARGIN = 1.5;
/** Without a known power limit, no single accelerator board draws more than this (W). */
const MAX_BOARD_POWER_W = 3000;
/** No CPU package or its DRAM zone draws more than this (W), twice RAPL_ASSUMED_MAX_W. */
const MAX_RAPL_ZONE_POWER_W = 1000;
/**
 * Counters publish their energy in bursts (every ~1 ms on Intel, up to a second on some firmware),
 * so a step may hold this much more time than lies between our two readings (s).
 */
const COUNTER_STEP_SLACK_S = 1;
/** The highest power a GPU with this limit can plausibly report (W). */
function computeMaxPlausiblePowerW(powerLimitW) {
    return powerLimitW !== null && powerLimitW !== undefined && powerLimitW > 0
        ? powerLimitW * POWER_LIMIT_MARGIN
        : MAX_BOARD_POWER_W;
}
/** A power reading (W) a device with this limit could give: finite, not negative, within reach. */
function isPlausiblePower(watts, powerLimitW) {
    return Number.isFinite(watts) && watts >= 0 && watts <= computeMaxPlausiblePowerW(powerLimitW);
}
/**
 * Judges the step of an energy counter between two readings `elapsedS` apart: `joules` is the
 * counter's difference (after any wrap correction; negative when it went backwards). Backwards is a
 * reset (a driver reload, a counter that was zeroed); a step beyond maxW over the elapsed time
 * (plus COUNTER_STEP_SLACK_S) is a reset misread as a wrap or a garbled value. Either is a gap.
 */
function judgeCounterStep(joules, elapsedS, maxW) {
    if (!Number.isFinite(joules))
        return { kind: 'implausible', joules };
    if (joules < 0)
        return { kind: 'backwards', joules };
    if (joules > maxW * (Math.max(0, elapsedS) + COUNTER_STEP_SLACK_S))
        return { kind: 'implausible', joules };
    return { kind: 'energy', joules };
}

// A long-lived child process read line by line: through a pipe as lines come (the NVML helper),
// or through a file read when the caller asks (nvidia-smi's loop mode, see spawnFileProcess).
// Both are started through the process seam (process.ts): each leads its own process group,
// stopped as a whole, since JOULEGATE_NVIDIA_SMI is often a wrapper script that runs the real tool
// without `exec`, and killing only the shell would leave the tool running, holding the pipes open.
const tempDirs = new Set();
let exitHookInstalled = false;
/** Drops the output files of readers a careless caller forgot to dispose (the seam kills them). */
function installExitHook() {
    if (exitHookInstalled)
        return;
    exitHookInstalled = true;
    process.once('exit', () => {
        for (const dir of tempDirs)
            rmSync(dir, { recursive: true, force: true });
    });
}
/** Calls `onLine` for each complete line in `buffer`; returns the unfinished rest. */
function splitLines(buffer, onLine) {
    let from = 0;
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
        onLine(buffer.slice(from, buffer.charCodeAt(nl - 1) === 13 ? nl - 1 : nl));
        from = nl + 1;
        nl = buffer.indexOf('\n', from);
    }
    return buffer.slice(from);
}
function spawnLineProcess(command, args, onLine, options = {}) {
    const proc = spawnInGroup(command, args, {
        stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe']
    });
    let buffer = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk) => {
        buffer = splitLines(buffer + chunk, onLine);
    });
    let done = false;
    // the last unterminated line reaches `onLine` before anyone hears of the exit
    const exited = proc.exited.then((exit) => {
        done = true;
        if (buffer !== '')
            onLine(buffer);
        buffer = '';
        return exit;
    });
    const stdin = proc.stdin;
    return {
        exited,
        stderrTail: () => proc.stderrTail().trim(),
        send: (line) => {
            if (!done && stdin && !stdin.destroyed)
                stdin.write(line + '\n');
        },
        stop: async (graceMs = 1000) => {
            if (done) {
                proc.signal('SIGKILL'); // what it left behind, if anything
                return;
            }
            stdin?.end();
            await proc.stop(options.stdin ? graceMs : 0, graceMs * 2);
        }
    };
}
const MAX_FILE_BYTES = 1 << 20;
function spawnFileProcess(command, args) {
    installExitHook();
    const dir = mkdtempSync(join(tmpdir(), 'joulegate-'));
    tempDirs.add(dir);
    const path = join(dir, 'stdout');
    const out = openSync(path, 'a');
    let proc;
    try {
        proc = spawnInGroup(command, args, { stdio: ['ignore', out, 'pipe'] });
    }
    finally {
        closeSync(out); // the child holds its own copy
    }
    let done = false;
    const exited = proc.exited.then((exit) => {
        done = true;
        return exit;
    });
    let fd = openSync(path, 'r');
    let position = 0;
    let buffer = '';
    const chunk = Buffer.alloc(64 * 1024);
    const decoder = new TextDecoder('utf-8');
    const drain = (onLine) => {
        if (fd === null)
            return;
        for (;;) {
            const n = readSync(fd, chunk, 0, chunk.length, position);
            if (n === 0)
                break;
            position += n;
            buffer = splitLines(buffer + decoder.decode(chunk.subarray(0, n), { stream: true }), onLine);
        }
        if (position > MAX_FILE_BYTES) {
            truncateSync(path, 0);
            position = 0;
        }
    };
    return {
        exited,
        stderrTail: () => proc.stderrTail().trim(),
        drain,
        stop: async (graceMs = 1000) => {
            if (done) {
                proc.signal('SIGKILL'); // what it left behind, if anything
                return;
            }
            await proc.stop(0, graceMs);
        },
        dispose: (onLine) => {
            if (fd === null)
                return;
            drain(onLine);
            buffer += decoder.decode();
            if (buffer !== '')
                onLine(buffer);
            buffer = '';
            closeSync(fd);
            fd = null;
            rmSync(dir, { recursive: true, force: true });
            tempDirs.delete(dir);
        }
    };
}
/** Races `promise` against a timer; the timer is cleared either way. */
function withTimeout(promise, ms, what) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// What nvidia-smi can tell, learnt once per probe: the GPUs, the visible selection, the power field
// and whether readings can carry nvidia-smi's own timestamp. The real tool answers
// `--help-query-gpu`; a minimal emulator (external checks drive JOULEGATE_NVIDIA_SMI with their
// own) may not, or may know only a few fields, so every step degrades instead of giving up.
/**
 * How long one nvidia-smi probe may take. A healthy driver answers in well under a second (the
 * first call on a host without persistence mode in a few); a hung one never does.
 */
const NVIDIA_SMI_PROBE_TIMEOUT_MS = 8000;
/** A probe that did not answer in time: nvidia-smi is unusable for this run. */
class ProbeTimeout extends Error {
}
/** Runs one probe; throws ProbeTimeout when it hangs (caught once, in listNvidiaGpus). */
async function runNvidiaSmi(env, args) {
    const ms = env.probeTimeoutMs ?? NVIDIA_SMI_PROBE_TIMEOUT_MS;
    const r = await runOneShot(env.nvidiaSmi, args, ms);
    if (r.code === 'ETIMEDOUT')
        throw new ProbeTimeout(`nvidia-smi (${env.nvidiaSmi} ${args.join(' ')}) did not answer within ${ms / 1000} s and was killed (a hung driver?): no NVIDIA GPU measured`);
    return r;
}
const outputOf = (r) => (r.stdout + '\n' + r.stderr).trim().split(/\r?\n/).slice(0, 3).join(' / ');
function describeFailure$1(env, args, r) {
    const out = outputOf(r);
    return `nvidia-smi (${env.nvidiaSmi} ${args.join(' ')}) failed with ${r.code}${out ? `: ${out}` : ''}`;
}
const oneShot = (field) => [
    `--query-gpu=${field}`,
    '--format=csv,noheader,nounits'
];
/** The first power field a one-shot query accepts, for a tool whose help says nothing usable. */
async function probePowerField(env) {
    for (const field of POWER_FIELDS) {
        if ((await runNvidiaSmi(env, oneShot(`index,${field}`))).code === 0)
            return field;
    }
    return null;
}
/**
 * Lists the GPUs, trying ever fewer fields (uuid, bus id, driver and limit are optional). Null
 * and one notice quoting the first failure when even `index` is refused, or when the failure is
 * the help's own (a broken driver, not a field problem: no point in simpler queries).
 */
async function queryGpuList(env, helpFields, helpFailure) {
    let first = null;
    for (const fields of buildGpuListQueries(helpFields)) {
        const args = [`--query-gpu=${fields.join(',')}`, '--format=csv'];
        const r = await runNvidiaSmi(env, args);
        if (r.code === 0)
            return { all: parseGpuListCsv(r.stdout, fields), fields };
        first ??= describeFailure$1(env, args, r);
        if (helpFailure !== null && outputOf(r) === helpFailure)
            break;
        if (fields.length > 1)
            continue;
        return { failure: `${first}; simpler queries down to --query-gpu=index failed too` };
    }
    return { failure: first ?? 'nvidia-smi answered no GPU listing' };
}
/**
 * Lists NVIDIA GPUs and the visible selection; null (with the reason) when nvidia-smi is absent,
 * fails or hangs (any probe that does not answer in time ends the probing).
 */
async function listNvidiaGpus(env) {
    try {
        return await probeNvidiaSmi(env);
    }
    catch (error) {
        if (error instanceof ProbeTimeout)
            return { inventory: null, notices: [error.message] };
        throw error;
    }
}
async function probeNvidiaSmi(env) {
    const help = await runNvidiaSmi(env, ['--help-query-gpu']);
    if (help.code === 'ENOENT') {
        return {
            inventory: null,
            notices: [
                `nvidia-smi not found ("${env.nvidiaSmi}", set JOULEGATE_NVIDIA_SMI): no NVIDIA GPU measured`
            ]
        };
    }
    const parsed = help.code === 0 ? parseHelpQueryGpu(help.stdout) : new Set();
    const helpFields = parsed.size > 0 ? parsed : null;
    const list = await queryGpuList(env, helpFields, help.code === 0 ? null : outputOf(help));
    if ('failure' in list)
        return { inventory: null, notices: [list.failure] };
    const notices = [];
    if (helpFields === null) {
        notices.push(help.code === 0
            ? 'nvidia-smi --help-query-gpu lists no field: power and timestamp fields were probed one by one'
            : `${describeFailure$1(env, ['--help-query-gpu'], help)}; power and timestamp fields were probed one by one`);
    }
    const { all } = list;
    let migParents = new Map();
    const cvd = env.cudaVisibleDevices ?? '';
    if (/(^|,)\s*(GPU|MIG)-/.test(cvd) && !list.fields.includes('uuid')) {
        notices.push(`nvidia-smi does not report GPU UUIDs: the UUID entries of CUDA_VISIBLE_DEVICES="${cvd}" cannot be matched`);
    }
    if (/(^|,)\s*MIG-(?!GPU-)/.test(cvd)) {
        const l = await runNvidiaSmi(env, ['-L']);
        if (l.code === 0)
            migParents = parseMigParents(l.stdout);
        else
            notices.push(describeFailure$1(env, ['-L'], l));
    }
    const selection = selectVisibleGpus(all, env.cudaVisibleDevices, migParents, env.cudaDeviceOrder);
    notices.push(...selection.notes);
    const listed = helpFields === null ? null : choosePowerField(helpFields);
    const powerField = listed ?? (all.length > 0 ? await probePowerField(env) : null);
    if (powerField === null)
        notices.push(`nvidia-smi knows none of ${POWER_FIELDS.join(', ')} (neither --help-query-gpu nor a one-shot query)`);
    else if (helpFields !== null && listed === null)
        notices.push(`nvidia-smi --help-query-gpu lists no power field, but ${powerField} answered`);
    const timestamp = helpFields !== null
        ? helpFields.has('timestamp')
        : powerField !== null &&
            (await runNvidiaSmi(env, ['--query-gpu=timestamp', '--format=csv,noheader'])).code === 0;
    if (powerField !== null && !timestamp)
        notices.push('nvidia-smi has no timestamp field: readings are placed at their arrival through a pipe (more wake-ups than the file it writes otherwise)');
    return {
        inventory: { all, selection, powerField, timestamp, driver: all[0]?.driver ?? null },
        notices
    };
}

// NVIDIA GPUs through nvidia-smi: ONE long-lived `--query-gpu=timestamp,index,<power> -lms N`
// process writing to a file read once a second (a pipe would wake Node for every line), each
// reading placed at nvidia-smi's own timestamp, power integrated over time. A tool without the
// `timestamp` field (a minimal emulator) writes `index,<power>` into a pipe instead, each reading
// placed at its arrival. The probe (GPU list, fields) lives in nvidia-smi-inventory.ts.
const MAX_RESTARTS = 3;
const RESTART_DELAY_MS = 500;
const FIRST_LINE_TIMEOUT_MS = 5000;
const FIRST_POLL_MS = 20; // reads of the output file while start() waits for the first line,
const DRAIN_MS = 1000; // then
/** The nvidia-smi source for the GPUs it listed. */
function createNvidiaSmiProbe(inventory) {
    return { source: 'nvidia-smi', probe: async (env) => createNvidiaSmiSensor(env, inventory) };
}
/** Builds the nvidia-smi sensor from an inventory, or says why there is none. */
function createNvidiaSmiSensor(env, inventory) {
    if (inventory.all.length === 0)
        return { sensor: null, notices: ['nvidia-smi lists no GPU'] };
    if (inventory.selection.selected.length === 0) {
        return {
            sensor: null,
            notices: [`CUDA_VISIBLE_DEVICES="${env.cudaVisibleDevices}" hides every NVIDIA GPU`]
        };
    }
    if (inventory.powerField === null)
        return { sensor: null, notices: ['nvidia-smi cannot report power draw'] };
    return { sensor: new NvidiaSmiSensor(env, inventory, inventory.powerField), notices: [] };
}
class NvidiaSmiSensor {
    env;
    inventory;
    powerField;
    source = 'nvidia-smi';
    proc = null;
    timelines = new Map();
    stopping = false;
    restarts = 0;
    notes = [];
    firstLine = null;
    pendingFirst = new Set();
    timer = null;
    clock = new WallStampClock(0);
    /** readings from the running process, and its last lines that were not readings (its errors) */
    readings = 0;
    chatter = [];
    constructor(env, inventory, powerField) {
        this.env = env;
        this.inventory = inventory;
        this.powerField = powerField;
    }
    async start() {
        const gpus = this.inventory.selection.selected;
        this.timelines = new Map(gpus.map((g) => [g.index, new PowerTimeline(this.env.intervalMs / 1000)]));
        this.stopping = false;
        this.restarts = 0;
        this.notes = [];
        this.clock = new WallStampClock(this.env.intervalMs / 1000);
        this.pendingFirst = new Set(gpus.map((g) => g.index));
        const ready = new Promise((resolve) => (this.firstLine = resolve));
        this.spawn();
        this.poll(FIRST_POLL_MS);
        const timer = setTimeout(() => this.firstLine?.(), FIRST_LINE_TIMEOUT_MS);
        await ready;
        clearTimeout(timer);
        if (this.pendingFirst.size > 0 && this.proc !== null) {
            this.notes.push(`no power reading within ${FIRST_LINE_TIMEOUT_MS} ms of starting nvidia-smi`);
        }
        this.poll(DRAIN_MS);
        const t0 = performance$1.now() / 1000;
        for (const tl of this.timelines.values())
            tl.open(t0);
    }
    poll(ms) {
        if (this.timer)
            clearInterval(this.timer);
        if (!this.inventory.timestamp)
            return; // a pipe delivers by itself
        this.timer = setInterval(() => this.drain(this.proc), ms);
        this.timer.unref();
    }
    open(args) {
        if (this.inventory.timestamp)
            return spawnFileProcess(this.env.nvidiaSmi, args);
        const p = spawnLineProcess(this.env.nvidiaSmi, args, (line) => this.onLine(line));
        return { ...p, drain: () => undefined, dispose: () => undefined, stop: () => p.stop() };
    }
    spawn() {
        const stamp = this.inventory.timestamp ? 'timestamp,' : '';
        const args = [
            `--query-gpu=${stamp}index,${this.powerField}`,
            '--format=csv,noheader,nounits',
            '-lms',
            String(this.env.intervalMs)
        ];
        let proc;
        try {
            proc = this.open(args);
        }
        catch (e) {
            this.notes.push(`nvidia-smi not started (no temporary file?): ${e.message}`);
            this.firstLine?.();
            return;
        }
        this.proc = proc;
        this.readings = 0;
        this.chatter = [];
        void proc.exited.then((exit) => {
            if (this.stopping || this.proc !== proc)
                return;
            this.drain(proc, true);
            this.proc = null;
            const why = exit.error?.message ?? `exit ${exit.code ?? exit.signal}`;
            const said = [...this.chatter, proc.stderrTail()].filter((t) => t !== '').join(' / ');
            if (this.readings === 0) {
                // it refuses these arguments (e.g. exit 2, "not a valid field"): the same again would too
                this.notes.push(`nvidia-smi ${args.join(' ')} stopped before any reading (${why}${said ? `: ${said}` : ''}); not restarted`);
                this.firstLine?.();
                return;
            }
            if (this.restarts >= MAX_RESTARTS) {
                this.notes.push(`nvidia-smi stopped (${why}${said ? `: ${said}` : ''}); gave up after ${MAX_RESTARTS} restarts`);
                this.firstLine?.();
                return;
            }
            this.restarts++;
            this.notes.push(`nvidia-smi stopped (${why}) and was restarted; the gap lowers coverage`);
            setTimeout(() => {
                if (!this.stopping)
                    this.spawn();
            }, RESTART_DELAY_MS).unref();
        });
    }
    /** Reads what the process wrote; `last`: all of it, then drops the file (a dead one's too). */
    drain(proc, last = false) {
        if (!proc || !this.inventory.timestamp)
            return;
        this.clock.beginRead();
        const onLine = (line) => this.onLine(line);
        try {
            if (last)
                proc.dispose(onLine);
            else
                proc.drain(onLine);
        }
        catch (e) {
            this.notes.push(`nvidia-smi output could not be read: ${e.message}`);
        }
        this.clock.endRead();
    }
    /**
     * `timestamp, index, watts`, placed at nvidia-smi's own time (no pipe or read delay), or
     * `index, watts` placed at its arrival through the pipe.
     */
    onLine(line) {
        const stamped = this.inventory.timestamp;
        const cells = splitCsvLine(line, stamped ? 3 : 2);
        const index = cells && /^\d+$/.test(cells[stamped ? 1 : 0]) ? Number(cells[stamped ? 1 : 0]) : -1;
        const tl = this.timelines.get(index);
        if (!cells || !tl) {
            if (line.trim() !== '')
                this.chatter = [...this.chatter, line.trim()].slice(-3);
            return;
        }
        this.readings++;
        const t = stamped
            ? this.clock.place(parseNvidiaTimestamp(cells[0]), tl.latestT)
            : Math.max(performance$1.now() / 1000, (tl.latestT ?? 0) + 1e-6);
        const watts = parseNvidiaNumber(cells[stamped ? 2 : 1]);
        if (watts !== null && !isPlausiblePower(watts, this.limitOf(index)))
            tl.refuse(watts);
        else
            tl.add(t, watts);
        if (this.pendingFirst.delete(index) && this.pendingFirst.size === 0)
            this.firstLine?.();
    }
    limitOf(index) {
        return this.inventory.selection.selected.find((g) => g.index === index)?.powerLimitW ?? null;
    }
    /** Reads the file first (one pread, no wake-up of its own) so stamps of metric lines are exact. */
    snapshot() {
        this.drain(this.proc);
        return this.inventory.selection.selected.map((g, k) => ({
            id: `gpu${k}`,
            energyJ: this.timelines.get(g.index)?.energySoFar() ?? 0
        }));
    }
    /** What nvidia-smi wrote so far (the newest reading is at most one interval old). */
    async refresh() {
        this.drain(this.proc);
        return Promise.resolve();
    }
    async stop() {
        const end = performance$1.now() / 1000;
        this.stopping = true;
        if (this.timer)
            clearInterval(this.timer);
        this.timer = null;
        await this.proc?.stop();
        this.drain(this.proc, true);
        this.proc = null;
        if (this.clock.unstamped > 0)
            this.notes.push(`${this.clock.unstamped} nvidia-smi readings had no usable timestamp (clock step?) and were placed one interval apart`);
        return this.inventory.selection.selected.map((g, k) => this.describe(g, k, this.timelines.get(g.index), end));
    }
    describe(g, k, tl, end) {
        const migs = this.inventory.selection.migOnParent.get(g.uuid);
        const notes = [...this.notes];
        const na = tl.missing > 0 ? `${tl.missing} readings of ${this.powerField} were [N/A] or unreadable` : '';
        const base = {
            id: `gpu${k}`,
            kind: 'gpu',
            name: g.name,
            method: 'power-integration',
            source: 'nvidia-smi',
            powerLimitW: g.powerLimitW,
            ...(g.uuid ? { uuid: g.uuid } : {}),
            ...(g.busId ? { busId: g.busId } : {})
        };
        if (migs)
            notes.push(`whole GPU measured for MIG devices ${migs.join(', ')}`);
        if (tl.refused > 0)
            notes.push(`${tl.refused} readings refused as impossible for this GPU (up to ${tl.largestRefusedW} W, above ${computeMaxPlausiblePowerW(g.powerLimitW)} W): gaps, not energy`);
        if (tl.latestT === null) {
            // nothing to integrate: unmeasured, not a measured 0 J (the caller leaves it out of totals)
            notes.push(`nvidia-smi gave no power reading${na ? ` (${na})` : ''}: not measured`);
            return { ...base, energyJ: 0, meanPowerW: null, samples: 0, coverage: 0, notes };
        }
        const r = tl.finish(end);
        if (na)
            notes.push(na);
        if (r.samples === 0)
            notes.push(`no ${this.powerField} reading inside the window: the last one before it was held`);
        const c = { ...base, ...r };
        if (notes.length > 0)
            c.notes = notes;
        return c;
    }
}

// The NVML helper run by src/sensors/nvml/sensor.ts as `python -u -c NVML_HELPER UUID...`: ctypes only
// (no pynvml), so any python3 on a host with the NVIDIA driver can run it. Kept as a string so the
// bundles stay single files; the protocol is described in nvml.ts and docs/sensors.md.
const NVML_HELPER = String.raw `
import ctypes, json, sys
def say(o):
    sys.stdout.write(json.dumps(o) + "\n")
    sys.stdout.flush()
def main():
    lib, err = None, None
    for name in ("libnvidia-ml.so.1", "libnvidia-ml.so", "nvml.dll"):
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError as e:
            err = err or str(e)
    if lib is None:
        say({"ok": False, "code": -1, "error": "cannot load libnvidia-ml.so.1: %s" % err})
        return 1
    lib.nvmlErrorString.restype = ctypes.c_char_p
    def msg(rc):
        try:
            return lib.nvmlErrorString(rc).decode()
        except Exception:
            return "NVML error %d" % rc
    rc = lib.nvmlInit_v2()
    if rc != 0:
        say({"ok": False, "code": rc, "error": "nvmlInit_v2: " + msg(rc)})
        return 1
    buf = ctypes.create_string_buffer(96)
    driver = buf.value.decode() if lib.nvmlSystemGetDriverVersion(buf, 96) == 0 else None
    handles, gpus = [], []
    energy = ctypes.c_ulonglong()
    for uuid in sys.argv[1:]:
        h = ctypes.c_void_p()
        rc = lib.nvmlDeviceGetHandleByUUID(uuid.encode(), ctypes.byref(h))
        if rc != 0:
            handles.append(None)
            gpus.append({"uuid": uuid, "code": rc, "error": msg(rc)})
            continue
        rc = lib.nvmlDeviceGetTotalEnergyConsumption(h, ctypes.byref(energy))
        limit = ctypes.c_uint()
        lrc = lib.nvmlDeviceGetEnforcedPowerLimit(h, ctypes.byref(limit))
        nb = ctypes.create_string_buffer(96)
        name = nb.value.decode() if lib.nvmlDeviceGetName(h, nb, 96) == 0 else None
        handles.append(h)
        gpus.append({"uuid": uuid, "code": rc, "error": None if rc == 0 else msg(rc), "name": name,
                     "powerLimitW": limit.value / 1000.0 if lrc == 0 else None})
    say({"ok": True, "driver": driver, "gpus": gpus})
    for _ in sys.stdin:
        out = []
        for h in handles:
            if h is None or lib.nvmlDeviceGetTotalEnergyConsumption(h, ctypes.byref(energy)) != 0:
                out.append(None)
            else:
                out.append(energy.value)
        say({"mJ": out})
    lib.nvmlShutdown()
    return 0
sys.exit(main())
`;

// NVIDIA GPUs through NVML's total-energy counter (nvmlDeviceGetTotalEnergyConsumption, mJ, Volta+),
// read by a small Python ctypes helper spawned once per window. Why a helper and not an FFI
// binding: docs/sensors.md. Protocol (one JSON object per line):
//   argv: the GPU UUIDs to read, in component order
//   hello: {"ok": true, "driver": str|null, "gpus": [{"uuid", "code", "error", "name", "powerLimitW"}]}
//          or {"ok": false, "code": int, "error": str} and exit 1
//   each stdin line -> {"mJ": [int|null per GPU]}; stdin closed -> nvmlShutdown, exit 0
const NVML_ERROR_NOT_SUPPORTED = 3;
const HELLO_TIMEOUT_MS = 15000;
const READ_TIMEOUT_MS = 3000;
/** One running helper: request a reading, get the counters (mJ per GPU, null when unreadable). */
class Helper {
    waiting = [];
    dead = null;
    proc;
    constructor(python, uuids) {
        this.proc = spawnLineProcess(python, ['-u', '-c', NVML_HELPER, ...uuids], (line) => this.waiting.shift()?.resolve(line), { stdin: true });
        void this.proc.exited.then((e) => {
            const tail = this.proc.stderrTail();
            this.dead = new Error(`NVML helper exited (${e.error?.message ?? e.code ?? e.signal})${tail ? `: ${tail}` : ''}`);
            for (const w of this.waiting.splice(0))
                w.reject(this.dead);
        });
    }
    next() {
        if (this.dead)
            return Promise.reject(this.dead);
        return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
    }
    async hello() {
        return JSON.parse(await withTimeout(this.next(), HELLO_TIMEOUT_MS, 'NVML helper'));
    }
    async read() {
        const line = this.next();
        this.proc.send('');
        const r = JSON.parse(await withTimeout(line, READ_TIMEOUT_MS, 'NVML helper'));
        return r.mJ;
    }
}
/** The NVML source for the GPUs nvidia-smi listed (NVML needs their UUIDs). */
function createNvmlProbe(inventory) {
    return { source: 'nvml', probe: (env) => createNvmlSensor(env, inventory) };
}
/** Checks that the helper runs and every selected GPU has an energy counter; else null and why. */
async function createNvmlSensor(env, inventory) {
    const gpus = inventory.selection.selected;
    if (gpus.length === 0)
        return { sensor: null, notices: [] };
    if (env.python === null)
        return { sensor: null, notices: ['NVML: no python interpreter configured; using nvidia-smi'] };
    if (gpus.some((g) => g.uuid === ''))
        return {
            sensor: null,
            notices: ['NVML needs GPU UUIDs, which nvidia-smi did not report; using nvidia-smi']
        };
    const helper = new Helper(env.python, gpus.map((g) => g.uuid));
    try {
        const hello = await helper.hello();
        if (!hello.ok) {
            return {
                sensor: null,
                notices: [`NVML unavailable (${hello.error ?? `code ${hello.code}`}); using nvidia-smi`]
            };
        }
        const bad = (hello.gpus ?? []).filter((g) => g.code !== 0);
        if (bad.length > 0 || (hello.gpus ?? []).length !== gpus.length) {
            const why = bad
                .map((g) => `${g.uuid}: ${g.code === NVML_ERROR_NOT_SUPPORTED ? 'no total-energy counter (pre-Volta?)' : g.error}`)
                .join('; ');
            return {
                sensor: null,
                notices: [
                    `NVML energy counter unavailable (${why || 'GPU list mismatch'}); using nvidia-smi`
                ]
            };
        }
        const limits = new Map((hello.gpus ?? []).map((g) => [g.uuid, g.powerLimitW ?? null]));
        return {
            sensor: new NvmlSensor(env, gpus, limits, inventory.selection.migOnParent),
            notices: []
        };
    }
    catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        return {
            sensor: null,
            notices: [`NVML helper could not run with "${env.python}" (${why}); using nvidia-smi`]
        };
    }
    finally {
        await helper.proc.stop();
    }
}
class NvmlSensor {
    env;
    gpus;
    limits;
    migOnParent;
    source = 'nvml';
    helper = null;
    base = [];
    latest = [];
    /** per GPU: mJ counted, time (s) of its latest reading, seconds lost to refused steps, why */
    countedMj = [];
    latestT = [];
    gapS = [];
    faults = [];
    t0 = 0;
    timer = null;
    /** the reading in flight: requests are chained so that requests and replies never cross */
    chain = Promise.resolve();
    polling = false;
    failed = false;
    reads = 0;
    lastReadT = 0;
    notes = [];
    constructor(env, gpus, limits, migOnParent) {
        this.env = env;
        this.gpus = gpus;
        this.limits = limits;
        this.migOnParent = migOnParent;
    }
    async start() {
        this.notes = [];
        this.reads = 0;
        this.failed = false;
        this.chain = Promise.resolve();
        const helper = new Helper(this.env.python, this.gpus.map((g) => g.uuid));
        this.helper = helper;
        let first = this.gpus.map(() => null);
        try {
            const hello = await helper.hello();
            if (!hello.ok)
                throw new Error(hello.error ?? `code ${hello.code}`);
            first = await helper.read();
        }
        catch (error) {
            // The probe succeeded moments ago; say so loudly rather than fail the whole measurement.
            this.notes.push(`NVML helper failed at start: ${error instanceof Error ? error.message : String(error)}`);
        }
        this.t0 = performance$1.now() / 1000;
        this.lastReadT = this.t0;
        this.base = first.map((v) => v ?? NaN);
        this.latest = [...first];
        this.countedMj = first.map(() => 0);
        this.latestT = first.map(() => this.t0);
        this.gapS = first.map(() => 0);
        this.faults = first.map(() => []);
        this.timer = setInterval(() => void this.poll(), Math.max(COUNTER_POLL_MIN_MS, this.env.intervalMs));
        this.timer.unref();
    }
    /** A timer tick: skipped while a reading is in flight (a refresh or the previous tick). */
    async poll() {
        if (this.polling)
            return;
        this.polling = true;
        await this.readNow();
        this.polling = false;
    }
    /** Queues one reading after the one in flight; never rejects (a failure becomes a note). */
    readNow() {
        const next = this.chain.then(async () => {
            if (!this.helper || this.failed)
                return;
            try {
                this.keep(await this.helper.read());
            }
            catch (error) {
                this.failed = true;
                this.notes.push(`NVML read failed: ${error instanceof Error ? error.message : String(error)}`);
                if (this.timer)
                    clearInterval(this.timer);
            }
        });
        this.chain = next;
        return next;
    }
    /** Asks the helper for the counters now and waits for them (a few ms). */
    refresh() {
        return this.readNow();
    }
    keep(values) {
        this.reads++;
        const t = performance$1.now() / 1000;
        this.lastReadT = t;
        values.forEach((v, i) => {
            if (v === null)
                return;
            const before = this.latest[i];
            if (before !== null && before !== undefined && Number.isFinite(before)) {
                const elapsedS = t - this.latestT[i];
                const maxW = computeMaxPlausiblePowerW(this.limits.get(this.gpus[i].uuid) ?? null);
                const step = judgeCounterStep((v - before) / 1000, elapsedS, maxW);
                if (step.kind === 'energy')
                    this.countedMj[i] += v - before;
                else {
                    // a driver reload resets the counter; a jump beyond the board's power is a garbled value
                    this.gapS[i] += elapsedS;
                    this.faults[i].push(step.kind === 'backwards'
                        ? `went back from ${before} to ${v} mJ`
                        : `stepped ${((v - before) / 1000).toFixed(0)} J in ${elapsedS.toFixed(2)} s, beyond ${maxW} W`);
                }
            }
            this.latest[i] = v;
            this.latestT[i] = t;
        });
    }
    snapshot() {
        return this.gpus.map((_, k) => ({ id: `gpu${k}`, energyJ: this.deltaJ(k) }));
    }
    deltaJ(k) {
        return (this.countedMj[k] ?? 0) / 1000;
    }
    async stop() {
        if (this.timer)
            clearInterval(this.timer);
        const end = performance$1.now() / 1000;
        const helper = this.helper;
        if (helper) {
            await this.chain;
            if (!this.failed) {
                try {
                    this.keep(await helper.read());
                }
                catch (error) {
                    this.notes.push(`final NVML read failed (${error instanceof Error ? error.message : String(error)}); energy up to the last reading`);
                }
            }
            await helper.proc.stop();
        }
        const span = end - this.t0;
        return this.gpus.map((g, k) => {
            const energyJ = this.deltaJ(k);
            const notes = [...this.notes];
            const measured = Number.isFinite(this.base[k]) && this.latest[k] !== null;
            if (!measured)
                notes.push('the NVML energy counter gave no reading: not measured');
            if (this.faults[k].length > 0)
                notes.push(`${this.faults[k].length} impossible counter step(s) not counted, ${this.gapS[k].toFixed(1)} s uncovered: ${this.faults[k].slice(-2).join('; ')}`);
            const mig = this.migOnParent.get(g.uuid);
            if (mig)
                notes.push(`whole GPU measured for MIG devices ${mig.join(', ')}`);
            const c = {
                id: `gpu${k}`,
                kind: 'gpu',
                name: g.name,
                method: 'counter',
                source: 'nvml',
                energyJ,
                meanPowerW: measured && span > 0 ? energyJ / span : null,
                powerLimitW: this.limits.get(g.uuid) ?? g.powerLimitW,
                samples: measured ? this.reads + 1 : 0,
                coverage: !measured
                    ? 0
                    : span > 0
                        ? Math.min(1, Math.max(0, (this.lastReadT - this.t0 - this.gapS[k]) / span))
                        : 1,
                uuid: g.uuid,
                busId: g.busId
            };
            if (notes.length > 0)
                c.notes = notes;
            return c;
        });
    }
}

// CPU packages and their DRAM through Linux powercap RAPL counters (energy_uj, µJ, wrapping at
// max_energy_range_uj). Intel and, on recent kernels, AMD both appear as intel-rapl zones.
function readText(file) {
    return readFileSync(file, 'utf8');
}
function errorCode(error) {
    return error.code ?? String(error);
}
/** The notice for a counter that exists but cannot be read (root-only since Linux 5.10, CVE-2020-8694). */
function describeUnreadable(file, code) {
    const glob = file.replace(/intel-rapl:[\d:]+\/energy_uj$/, 'intel-rapl:*/energy_uj');
    const fix = code === 'EACCES' || code === 'EPERM'
        ? ` It is readable by root only since Linux 5.10 (CVE-2020-8694). Fix: \`sudo chmod a+r ${glob}\` (until reboot), or a udev rule such as ` +
            '`SUBSYSTEM=="powercap", ACTION=="add", RUN+="/bin/chmod a+r /sys%p/energy_uj"`.'
        : '';
    return `RAPL: cannot read ${file} (${code}).${fix} Using the CPU estimate instead.`;
}
const raplProbe = {
    source: 'rapl',
    async probe(env) {
        const base = join(env.sysfsRoot, 'class', 'powercap');
        let entries;
        try {
            entries = readdirSync(base);
        }
        catch (error) {
            return {
                sensor: null,
                notices: [`RAPL: no ${base} (${errorCode(error)}); using the CPU estimate`]
            };
        }
        const described = entries.map((entry) => {
            let name;
            try {
                name = readText(join(base, entry, 'name')).trim();
            }
            catch {
                name = null;
            }
            return { entry, name };
        });
        const { zones } = selectRaplZones(described);
        if (!zones.some((z) => z.kind === 'cpu')) {
            return {
                sensor: null,
                notices: [`RAPL: no package zone under ${base}; using the CPU estimate`]
            };
        }
        const notices = [];
        const counters = [];
        for (const zone of zones) {
            const file = join(base, zone.entry, 'energy_uj');
            let first;
            try {
                first = parseSysfsInteger(readText(file));
            }
            catch (error) {
                if (zone.kind === 'cpu')
                    return { sensor: null, notices: [describeUnreadable(file, errorCode(error))] };
                notices.push(`${describeUnreadable(file, errorCode(error)).replace(/ Using the CPU estimate instead\.$/, '')} DRAM is not measured.`);
                continue;
            }
            if (first === null) {
                const msg = `RAPL: ${file} does not hold an integer`;
                if (zone.kind === 'cpu')
                    return { sensor: null, notices: [`${msg}; using the CPU estimate`] };
                notices.push(`${msg}; DRAM is not measured`);
                continue;
            }
            let rangeUj = null;
            try {
                rangeUj = parseSysfsInteger(readText(join(base, zone.entry, 'max_energy_range_uj')));
            }
            catch {
                notices.push(`RAPL: no max_energy_range_uj for ${zone.entry}: a wrap of its counter cannot be corrected`);
            }
            counters.push({
                zone,
                file,
                rangeUj,
                last: first,
                totalUj: 0,
                lastT: 0,
                gapS: 0,
                faults: [],
                readOk: true
            });
        }
        if (!counters.some((c) => c.zone.kind === 'ram')) {
            notices.push('RAPL: no readable dram zone; memory energy is not included');
        }
        return { sensor: new RaplSensor(env, counters), notices };
    }
};
class RaplSensor {
    counters;
    source = 'rapl';
    timer = null;
    t0 = 0;
    reads = 0;
    failures = new Map();
    pollMs;
    constructor(env, counters) {
        this.counters = counters;
        this.pollMs = computeRaplPollMs(env.intervalMs, counters.map((c) => c.rangeUj));
    }
    async start() {
        this.failures.clear();
        this.reads = 0;
        this.t0 = performance$1.now() / 1000;
        for (const c of this.counters) {
            c.totalUj = 0;
            c.gapS = 0;
            c.faults = [];
            c.readOk = true;
            c.last = this.readCounter(c) ?? c.last;
            c.lastT = this.t0;
        }
        this.timer = setInterval(() => this.poll(), this.pollMs);
        this.timer.unref();
    }
    /** The counter now, or null (and why, remembered) when it cannot be read or is not an integer. */
    readCounter(c) {
        let text;
        try {
            text = readFileSync(c.file, 'utf8');
        }
        catch (error) {
            this.failures.set(c.zone.id, `${c.file}: ${errorCode(error)}`);
            return null;
        }
        const value = parseSysfsInteger(text);
        if (value === null)
            this.failures.set(c.zone.id, `${c.file} held ${JSON.stringify(text.trim().slice(0, 40))}`);
        return value;
    }
    poll() {
        this.reads++;
        for (const c of this.counters) {
            const now = this.readCounter(c);
            c.readOk = now !== null;
            if (now === null)
                continue;
            const t = performance$1.now() / 1000;
            const elapsedS = t - c.lastT;
            const wrapped = now < c.last && c.rangeUj !== null && c.rangeUj > 0;
            const deltaUj = wrapped ? c.rangeUj - c.last + now : now - c.last;
            const step = judgeCounterStep(deltaUj / 1e6, elapsedS, MAX_RAPL_ZONE_POWER_W);
            if (step.kind === 'energy')
                c.totalUj += deltaUj;
            else {
                // a reset or a jump the package cannot have drawn: the time since the last reading is a gap
                c.gapS += elapsedS;
                c.faults.push(step.kind === 'backwards'
                    ? `went back from ${c.last} to ${now} µJ (a reset)`
                    : `stepped ${(deltaUj / 1e6).toFixed(0)} J in ${elapsedS.toFixed(2)} s${wrapped ? ' across a wrap' : ''}, beyond ${MAX_RAPL_ZONE_POWER_W} W`);
            }
            c.last = now;
            c.lastT = t;
        }
    }
    /** Reads the counters now, as the poll does (wrap-safe: a read only shortens the gap). */
    async refresh() {
        this.poll();
        return Promise.resolve();
    }
    snapshot() {
        return this.counters.map((c) => ({ id: c.zone.id, energyJ: c.totalUj / 1e6 }));
    }
    async stop() {
        if (this.timer)
            clearInterval(this.timer);
        this.timer = null;
        this.poll();
        const end = performance$1.now() / 1000;
        const span = end - this.t0;
        return this.counters.map((c) => {
            const energyJ = c.totalUj / 1e6;
            // unread since its last good reading (unreadable or garbage to the end): that time is a gap
            const tailS = c.readOk ? 0 : Math.max(0, end - c.lastT);
            const uncoveredS = c.gapS + tailS;
            const coverage = span > 0 ? Math.max(0, Math.min(1, 1 - uncoveredS / span)) : 1;
            const comp = {
                id: c.zone.id,
                kind: c.zone.kind,
                name: c.zone.name,
                method: 'counter',
                source: 'rapl',
                energyJ,
                meanPowerW: span > 0 ? energyJ / span : null,
                samples: this.reads + 1,
                coverage
            };
            const notes = [];
            const failure = this.failures.get(c.zone.id);
            if (failure)
                notes.push(tailS > 0
                    ? `the counter could not be read for the last ${tailS.toFixed(1)} s (${failure}): not measured then`
                    : `some readings failed (${failure}); the counter carried the energy across them`);
            if (c.faults.length > 0)
                notes.push(`${c.faults.length} implausible counter step(s) not counted, ${c.gapS.toFixed(1)} s uncovered: ${c.faults.slice(-2).join('; ')}`);
            if (notes.length > 0)
                comp.notes = notes;
            return comp;
        });
    }
}

/** Several sources' results as one set, in the order given (the report lists them so). */
function combineProbes(results) {
    return {
        sensors: results.flatMap((r) => (r.sensor ? [r.sensor] : [])),
        crossChecks: results.flatMap((r) => (r.crossCheck ? [r.crossCheck] : [])),
        notices: results.flatMap((r) => r.notices)
    };
}

// Chooses the energy sources at run time: NVIDIA GPUs via NVML, else nvidia-smi; AMD GPUs via
// hwmon; CPU (and DRAM) via RAPL, else the estimate (CPU + RAM) — always labelled as such.
async function probeSensors(env, options = {}) {
    // The GPU path waits on processes (nvidia-smi, the NVML helper's Python); RAPL reads sysfs. Both
    // at once, so the slower alone decides how long the user's command waits for its window.
    const [nvidia, rapl] = await Promise.all([probeNvidia(env, options), raplProbe.probe(env)]);
    // AMD GPUs are numbered after the NVIDIA ones (gpu0.. are taken by them)
    const amd = await createAmdHwmonProbe(nvidia.count).probe(env);
    const results = [nvidia, amd, rapl];
    if (!rapl.sensor) {
        const gpuMeasured = nvidia.sensor !== null || amd.sensor !== null;
        const reason = gpuMeasured
            ? 'no CPU energy counter: CPU and RAM are estimated while the GPU is measured'
            : 'no energy counter or power sensor could be read: CPU and RAM are estimated';
        const est = await createEstimateProbe({ reason }).probe(env);
        results.push({ ...est, notices: [...est.notices, reason] });
    }
    return combineProbes(results);
}
/**
 * NVIDIA GPUs via NVML, else nvidia-smi, both over one nvidia-smi listing; nvidia-smi is NVML's
 * cross-check when asked for. `count` is how many GPUs were selected.
 */
async function probeNvidia(env, options) {
    const nvidia = await listNvidiaGpus(env);
    if (!nvidia.inventory) {
        // a broken driver is worth saying; a host without nvidia-smi is not
        const said = nvidia.notices.some((n) => n.startsWith('nvidia-smi not found'));
        return { sensor: null, notices: said ? [] : nvidia.notices, count: 0 };
    }
    const count = nvidia.inventory.selection.selected.length;
    const nvml = await createNvmlProbe(nvidia.inventory).probe(env);
    const notices = [...nvidia.notices, ...nvml.notices];
    const smiProbe = createNvidiaSmiProbe(nvidia.inventory);
    if (nvml.sensor) {
        const smi = options.crossCheck ? await smiProbe.probe(env) : null;
        return { sensor: nvml.sensor, crossCheck: smi?.sensor ?? null, notices, count };
    }
    const smi = await smiProbe.probe(env);
    return { sensor: smi.sensor, notices: [...notices, ...smi.notices], count };
}
/** The host's GPUs for the fingerprint (all of them, not only the visible ones); cheap: nvidia-smi once and sysfs. */
async function readGpuInventory(env) {
    const { inventory } = await listNvidiaGpus(env);
    const nvidia = (inventory?.all ?? []).map((g) => ({
        vendor: 'nvidia',
        name: g.name,
        uuid: g.uuid,
        busId: g.busId,
        powerLimitW: g.powerLimitW,
        driver: g.driver
    }));
    const amd = listAmdGpus(env.sysfsRoot).map((g) => ({
        vendor: 'amd',
        name: g.name,
        uuid: null,
        busId: g.busId,
        powerLimitW: g.powerLimitW,
        driver: null
    }));
    return [...nvidia, ...amd];
}

// The cluster's Prometheus over its HTTP API (/api/v1/query, /api/v1/targets, /api/v1/series,
// /api/v1/label/NAME/values). A busy server answers 503 or 429 and a proxy in front of it resets
// connections, so each call has a deadline and a bounded number of retries with backoff; a
// Retry-After is honoured when it is short. The bearer token is sent in a header and never
// appears in an error, a log line or a stored file: errors name the URL without credentials.
class PrometheusError extends Error {
    status;
    errorType;
    constructor(message, 
    /** the HTTP status, null when no answer came */
    status, 
    /** Prometheus's errorType (bad_data: the query itself is wrong) */
    errorType) {
        super(message);
        this.status = status;
        this.errorType = errorType;
        this.name = 'PrometheusError';
    }
}
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
/** The URL as it may be shown: user info removed, no query string. */
function describeUrl(url) {
    try {
        const u = new URL(url);
        u.username = '';
        u.password = '';
        u.search = '';
        return u.toString().replace(/\/$/, '');
    }
    catch {
        return '(unparsable URL)';
    }
}
function retryAfterMs(value) {
    if (value === null)
        return null;
    if (/^\d+(\.\d+)?$/.test(value.trim()))
        return Number(value.trim()) * 1000;
    const at = Date.parse(value);
    return Number.isFinite(at) ? Math.max(0, at - Date.now()) : null;
}
const sleep$2 = (ms) => new Promise((r) => setTimeout(r, ms));
class PrometheusClient {
    options;
    base;
    timeoutMs;
    attempts;
    baseDelayMs;
    maxWaitMs;
    basic = null;
    /** HTTP requests made, retries included (the bench and the report count them) */
    requests = 0;
    constructor(options) {
        this.options = options;
        let base;
        try {
            base = new URL(options.url);
        }
        catch {
            throw new PrometheusError(`prometheus-url: got ${JSON.stringify(describeUrl(options.url))}, expected an http(s) URL such as http://prometheus:9090`, null, null);
        }
        if (base.protocol !== 'http:' && base.protocol !== 'https:')
            throw new PrometheusError(`prometheus-url: got ${JSON.stringify(describeUrl(options.url))}, expected an http(s) URL such as http://prometheus:9090`, null, null);
        if (!base.pathname.endsWith('/'))
            base.pathname += '/';
        // user info in the URL is sent as Basic auth and kept out of every URL fetch or an error sees
        if (base.username || base.password) {
            const pair = `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`;
            this.basic = Buffer.from(pair).toString('base64');
            base.username = '';
            base.password = '';
        }
        this.base = base;
        this.timeoutMs = options.timeoutMs ?? 15_000;
        this.attempts = options.attempts ?? 4;
        this.baseDelayMs = options.baseDelayMs ?? 500;
        this.maxWaitMs = options.maxWaitMs ?? 30_000;
    }
    get shownUrl() {
        return describeUrl(this.base.toString());
    }
    /** An instant query at `time` (seconds since the epoch); the result must be a vector. */
    async queryVector(query, time) {
        const data = (await this.call('api/v1/query', { query, time: time.toFixed(3) }, query));
        if (data.resultType !== 'vector' || !Array.isArray(data.result))
            throw new PrometheusError(`Prometheus at ${this.shownUrl}: query ${query} gave a ${String(data.resultType)}, expected a vector`, 200, null);
        return data.result;
    }
    async targets() {
        const data = (await this.call('api/v1/targets', { state: 'active' }, 'targets'));
        return data.activeTargets ?? [];
    }
    async labelValues(label) {
        const data = await this.call(`api/v1/label/${encodeURIComponent(label)}/values`, {}, label);
        return Array.isArray(data) ? data : [];
    }
    async series(match, start, end) {
        const data = await this.call('api/v1/series', { 'match[]': match, start: start.toFixed(3), end: end.toFixed(3) }, match);
        return Array.isArray(data) ? data : [];
    }
    redact(text) {
        const token = this.options.token;
        return token ? text.split(token).join('[token]') : text;
    }
    async call(path, params, what) {
        const url = new URL(path, this.base);
        for (const [k, v] of Object.entries(params))
            url.searchParams.set(k, v);
        const headers = { accept: 'application/json' };
        if (this.options.token)
            headers['authorization'] = `Bearer ${this.options.token}`;
        else if (this.basic)
            headers['authorization'] = `Basic ${this.basic}`;
        const shown = `${describeUrl(url.toString())} (${what})`;
        let last = '';
        for (let attempt = 1; attempt <= this.attempts; attempt++) {
            this.requests++;
            let waitMs = this.baseDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2);
            try {
                const response = await fetch(url, {
                    headers,
                    signal: AbortSignal.timeout(this.timeoutMs)
                }).then(async (r) => ({ r, text: await r.text() }));
                const status = response.r.status;
                const parsed = parseBody(response.text);
                if (status >= 200 && status < 300 && parsed?.status === 'success')
                    return parsed.data;
                // a proxy may echo the request's headers into its error page
                const serverSays = this.redact(parsed?.error ?? excerpt(response.text));
                last = `HTTP ${status}: ${serverSays}`;
                if (!RETRY_STATUSES.has(status)) {
                    throw new PrometheusError(`Prometheus at ${shown}: ${last}`, status, parsed?.errorType ?? null);
                }
                const after = retryAfterMs(response.r.headers.get('retry-after'));
                if (after !== null) {
                    if (after > this.maxWaitMs)
                        break;
                    waitMs = after;
                }
            }
            catch (error) {
                if (error instanceof PrometheusError)
                    throw error;
                last = this.redact(describeFailure(error, this.timeoutMs));
            }
            if (attempt < this.attempts)
                await sleep$2(waitMs);
        }
        throw new PrometheusError(`Prometheus at ${shown}: ${last} (after ${this.attempts} tries)`, null, null);
    }
}
function parseBody(text) {
    try {
        const v = JSON.parse(text);
        return v && typeof v === 'object' ? v : null;
    }
    catch {
        return null;
    }
}
function excerpt(text) {
    const t = text.replace(/\s+/g, ' ').trim();
    return t === '' ? '(empty body)' : t.length > 200 ? `${t.slice(0, 200)}…` : t;
}
function describeFailure(error, timeoutMs) {
    const e = error;
    if (e.name === 'TimeoutError')
        return `no answer within ${timeoutMs} ms`;
    if (e.cause?.code)
        return `connection failed (${e.cause.code})`;
    return e.cause?.message ? `connection failed (${e.cause.message})` : (e.message ?? String(error));
}

// PromQL for one measured window, built as text from the user's selector (pure). Every query
// carries the selector, and the window's sum over time is computed by Prometheus itself: a
// 64-node job costs the same three queries as a 1-node one. See docs/cluster.md for the method.
const DCGM_ENERGY = 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION'; // mJ counter, per GPU
const RAPL_ENERGY = [
    'node_rapl_package_joules_total',
    'node_rapl_dram_joules_total'
];
const KEPLER_ENERGY = 'kepler_container_joules_total';
const ENERGY_METRICS = [DCGM_ENERGY, ...RAPL_ENERGY, KEPLER_ENERGY];
/** The label that tells the parts of one combined answer apart; no exporter uses it. */
const PART_LABEL = 'joulegate_part';
/** The labels one GPU's series is reduced to: pod/job churn must not split a device in two. */
const DCGM_BY = ['Hostname', 'instance', 'gpu', 'UUID', 'modelName'];
const RAPL_BY = ['Hostname', 'instance', 'index', 'path'];
const KEPLER_BY = ['Hostname', 'instance'];
/**
 * The selector's matchers, checked just enough to keep the query well-formed: a brace or a
 * metric name would change what every query means. Prometheus checks the rest and says so.
 */
function normaliseSelector(selector) {
    const s = (selector ?? '').trim().replace(/^\{/, '').replace(/\}$/, '').trim();
    if (/[{}]/.test(s))
        throw new UsageError(`prometheus-selector: got ${JSON.stringify(selector)}, expected label matchers such as Hostname=~"gpu-node-0[1-4]",hpc_job="4242" (no braces inside, no metric name)`);
    if (s !== '' && !/^[A-Za-z_][A-Za-z0-9_]*\s*(=~|!~|!=|=)/.test(s))
        throw new UsageError(`prometheus-selector: got ${JSON.stringify(selector)}, expected label matchers such as Hostname=~"gpu-node-0[1-4]" (LABEL="value", LABEL=~"regex", comma-separated)`);
    return s;
}
function select(metric, selector) {
    return `${metric}{${selector}}`;
}
/** A range in whole milliseconds: Prometheus reads `20500ms`, and rounding to seconds would cut the edges. */
function formatRange(seconds) {
    return `${Math.max(1, Math.round(seconds * 1000))}ms`;
}
function tag(expr, part, extra = {}) {
    let out = `label_replace(${expr}, "${PART_LABEL}", "${part}", "", "")`;
    for (const [k, v] of Object.entries(extra))
        out = `label_replace(${out}, "${k}", "${v}", "", "")`;
    return out;
}
function parts(metric, selector, range, by, extra = {}) {
    const series = `${select(metric, selector)}[${range}]`;
    const grouping = `by (${by.join(', ')})`;
    // max, not sum: two series for one device are two scrapes of one counter (two jobs, a
    // relabelled duplicate), never two devices
    return [
        tag(`max ${grouping} (increase(${series}))`, 'increase', extra),
        tag(`max ${grouping} (count_over_time(${series}))`, 'samples', extra),
        tag(`max ${grouping} (resets(${series}))`, 'resets', extra)
    ];
}
/** The three queries of a window of `seconds` that ends at the evaluation time. */
function buildWindowQueries(selector, seconds) {
    const range = formatRange(seconds);
    return {
        dcgm: parts(DCGM_ENERGY, selector, range, DCGM_BY).join(' or '),
        rapl: RAPL_ENERGY.flatMap((m) => parts(m, selector, range, RAPL_BY, { zone: m.replace(/^node_rapl_|_joules_total$/g, '') })).join(' or '),
        kepler: parts(KEPLER_ENERGY, selector, range, KEPLER_BY).join(' or ')
    };
}
/** The series the selector matches now, per metric and device: the preflight and the double-count check. */
function buildInventoryQuery(selector) {
    const names = ENERGY_METRICS.join('|');
    const sel = selector === '' ? '' : `, ${selector}`;
    return `count by (__name__, Hostname, instance, UUID, modelName) ({__name__=~"${names}"${sel}})`;
}
/** A cheap running total for progress lines while the command runs (GPUs only). */
function buildRunningTotalQuery(selector, seconds) {
    return `sum(max by (${DCGM_BY.join(', ')}) (increase(${select(DCGM_ENERGY, selector)}[${formatRange(seconds)}])))`;
}

/** The node a series belongs to: DCGM's Hostname, else the scrape target's host without port. */
function hostOf(labels) {
    if (labels['Hostname'])
        return labels['Hostname'];
    const instance = labels['instance'] ?? '';
    return instance.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1') || 'unknown-node';
}
function groupDevices(samples, keyOf) {
    const devices = new Map();
    for (const s of samples) {
        const part = s.metric[PART_LABEL];
        const labels = { ...s.metric };
        delete labels[PART_LABEL];
        const key = keyOf(labels);
        const value = Number(s.value[1]);
        let d = devices.get(key);
        if (!d) {
            d = { key, labels, increase: null, samples: 0, resets: 0 };
            devices.set(key, d);
        }
        if (!Number.isFinite(value))
            continue;
        // the same device seen under two target labels (two jobs scraping one exporter): one device
        if (part === 'increase')
            d.increase = Math.max(d.increase ?? 0, value);
        else if (part === 'samples')
            d.samples = Math.max(d.samples, value);
        else if (part === 'resets')
            d.resets = Math.max(d.resets, value);
    }
    return [...devices.values()];
}
/**
 * The fraction of the window the series was scraped in: samples seen over samples a scrape every
 * `intervalS` puts in the window (a closed range holds one more sample than intervals).
 */
function coverageOf(samples, windowS, intervalS) {
    if (windowS <= 0 || intervalS <= 0)
        return samples > 0 ? 1 : 0;
    const expected = Math.max(1, windowS / intervalS);
    return Math.min(1, Math.max(0, samples / expected));
}
function notesOf(d, coverage, what) {
    const notes = [];
    if (d.resets > 0)
        notes.push(`${what}: counter reset ${d.resets} time(s) in the window (exporter or driver restart); counted from zero after each reset, as PromQL's increase() does`);
    if (coverage < 0.95)
        notes.push(`${what}: scraped for ${Math.round(coverage * 100)}% of the window (the node or its exporter was gone for the rest); energy is counted while it was scraped`);
    return notes;
}
function toComponent(d, ctx, base, scale) {
    const coverage = coverageOf(d.samples, ctx.windowS, ctx.intervalS);
    const energyJ = Math.max(0, (d.increase ?? 0) * scale);
    const notes = notesOf(d, coverage, base.id);
    return {
        ...base,
        method: 'counter',
        energyJ,
        meanPowerW: ctx.windowS > 0 ? energyJ / ctx.windowS : null,
        samples: d.samples,
        coverage: d.increase === null ? 0 : coverage,
        host: hostOf(d.labels),
        ...(notes.length ? { notes } : {})
    };
}
const byHostThenId = (a, b) => (a.host ?? '').localeCompare(b.host ?? '', 'en', { numeric: true }) ||
    a.id.localeCompare(b.id, 'en', { numeric: true });
/** Components from the three answers of one window; Kepler only on nodes nothing else measured. */
function parseWindowAnswers(answers, ctx) {
    const notes = [];
    const gpus = groupDevices(answers.dcgm, (l) => l['UUID'] || `${hostOf(l)}/${l['gpu'] ?? '?'}`).map((d) => {
        const host = hostOf(d.labels);
        return {
            ...toComponent(d, ctx, {
                id: `${host}/gpu${d.labels['gpu'] ?? '?'}`,
                kind: 'gpu',
                name: d.labels['modelName'] || 'NVIDIA GPU',
                source: 'prometheus:dcgm'
            }, 1 / 1000 // DCGM counts millijoules
            ),
            ...(d.labels['UUID'] ? { uuid: d.labels['UUID'] } : {})
        };
    });
    const zones = groupDevices(answers.rapl, (l) => `${hostOf(l)}|${l['zone']}|${l['path'] ?? l['index'] ?? ''}`).map((d) => {
        const host = hostOf(d.labels);
        const zone = d.labels['zone'] ?? 'package';
        return toComponent(d, ctx, {
            id: `${host}/${zone}${d.labels['index'] ?? ''}`,
            kind: zone === 'dram' ? 'ram' : 'cpu',
            name: `${zone}-${d.labels['index'] ?? '0'}`,
            source: 'prometheus:node-rapl'
        }, 1);
    });
    const measuredHosts = new Set([...gpus, ...zones].map((c) => c.host));
    const kepler = [];
    for (const d of groupDevices(answers.kepler, (l) => hostOf(l))) {
        const host = hostOf(d.labels);
        if (measuredHosts.has(host)) {
            // Kepler's container total includes the GPU and package energy DCGM and RAPL already count
            notes.push(`${host}: Kepler's container energy is not added, DCGM or RAPL already measure that node`);
            continue;
        }
        kepler.push(toComponent(d, ctx, {
            id: `${host}/kepler`,
            kind: 'other',
            name: 'Kepler containers',
            source: 'prometheus:kepler'
        }, 1));
    }
    return { components: [...gpus, ...zones, ...kepler].sort(byHostThenId), notes };
}

// The cluster's energy, read from its Prometheus (DCGM exporter, node exporter RAPL, Kepler). The
// source remembers when the window opened and closed, waits one scrape interval after the close
// so the last scrape is stored, then asks three queries whatever the cluster's size. Before the
// command starts, a preflight checks that the selector matches energy series: a typo must fail
// in a second, not after a night of training.
const DEFAULT_INTERVAL_S = 60; // Prometheus's own default scrape interval
const nowS = () => Date.now() / 1000;
const sleep$1 = (ms) => new Promise((r) => setTimeout(r, ms));
/** Go durations as the targets API writes them: 1s, 15s, 1m, 1m30s, 500ms. */
function parseGoDuration(text) {
    if (!text)
        return null;
    const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
    let total = 0;
    let seen = '';
    for (let m = re.exec(text); m; m = re.exec(text)) {
        const n = Number(m[1]);
        total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : n / 1000;
        seen += m[0];
    }
    return seen === text && total > 0 ? total : null;
}
async function findInterval(client, settings, hosts) {
    if (settings.intervalS)
        return { intervalS: settings.intervalS, from: 'the setting' };
    try {
        const targets = await client.targets();
        // the slowest target that serves this job's nodes decides when the last scrape has landed
        const relevant = targets.filter((t) => hosts.has(hostOf(t.labels)) || hosts.size === 0);
        const intervals = (relevant.length ? relevant : targets)
            .map((t) => parseGoDuration(t.scrapeInterval))
            .filter((x) => x !== null);
        if (intervals.length > 0)
            return { intervalS: Math.max(...intervals), from: 'the targets API' };
    }
    catch {
        // a managed Prometheus may not serve /api/v1/targets: fall through to the default
    }
    return { intervalS: DEFAULT_INTERVAL_S, from: `Prometheus's default (${DEFAULT_INTERVAL_S} s)` };
}
/** Which energy metrics and labels exist without the selector: the error a typo deserves. */
async function describeWhatExists(client) {
    const names = await client.labelValues('__name__').catch(() => []);
    const known = names.filter((n) => /^(DCGM_FI_|node_rapl_|kepler_)/.test(n));
    if (!known.includes(DCGM_ENERGY) && !known.some((n) => n.startsWith('node_rapl_')))
        return known.length
            ? `the server has ${known.slice(0, 8).join(', ')} but no ${DCGM_ENERGY} (enable it in the DCGM exporter's counters file)`
            : `the server has no DCGM exporter, node exporter RAPL or Kepler metrics at all`;
    const series = await client
        .series(known.includes(DCGM_ENERGY) ? DCGM_ENERGY : RAPL_ENERGY[0], nowS() - 600, nowS())
        .catch(() => []);
    const values = new Map();
    for (const s of series)
        for (const [k, v] of Object.entries(s)) {
            if (k === '__name__')
                continue;
            const set = values.get(k) ?? new Set();
            set.add(v);
            values.set(k, set);
        }
    const labels = [...values.entries()]
        .map(([k, v]) => {
        const shown = [...v].slice(0, 4).map((x) => JSON.stringify(x));
        return `${k} (${shown.join(', ')}${v.size > 4 ? `, … ${v.size} values` : ''})`;
    })
        .join('; ');
    return `energy metrics present: ${known.filter((n) => ENERGY_METRICS.includes(n)).join(', ')}; their labels in the last 10 minutes: ${labels || 'none'}`;
}
/**
 * The preflight: the selector is valid PromQL and matches energy series now. Throws a UsageError
 * (exit 2) naming the selector and what exists when it matches nothing.
 */
async function inspectCluster(client, settings) {
    const selector = normaliseSelector(settings.selector);
    let rows;
    try {
        rows = await client.queryVector(buildInventoryQuery(selector), nowS());
    }
    catch (error) {
        if (error instanceof PrometheusError && error.errorType === 'bad_data')
            throw new UsageError(`prometheus-selector: got ${JSON.stringify(settings.selector)}, which Prometheus refuses: ${error.message}`);
        throw error;
    }
    const inventory = {
        gpuSeries: 0,
        raplSeries: 0,
        keplerSeries: 0,
        gpuHosts: new Set(),
        cpuHosts: new Set(),
        uuids: new Set(),
        intervalS: 0,
        intervalFrom: ''
    };
    for (const r of rows) {
        const name = r.metric['__name__'];
        const n = Number(r.value[1]);
        if (name === DCGM_ENERGY) {
            inventory.gpuSeries += n;
            inventory.gpuHosts.add(hostOf(r.metric));
            if (r.metric['UUID'])
                inventory.uuids.add(r.metric['UUID']);
        }
        else if (name === KEPLER_ENERGY)
            inventory.keplerSeries += n;
        else {
            inventory.raplSeries += n;
            inventory.cpuHosts.add(hostOf(r.metric));
        }
    }
    if (inventory.gpuSeries + inventory.raplSeries + inventory.keplerSeries === 0) {
        const what = await describeWhatExists(client);
        throw new UsageError(`prometheus-selector: got ${JSON.stringify(settings.selector ?? '')}, which matches no energy series (${ENERGY_METRICS.join(', ')}) at ${client.shownUrl}; ${what}`);
    }
    const interval = await findInterval(client, settings, inventory.gpuHosts);
    inventory.intervalS = interval.intervalS;
    inventory.intervalFrom = interval.from;
    return inventory;
}
/** The energy source over one window; `start` opens it, the first `refresh` re-opens it at the command's start. */
function createPrometheusSensor(client, settings, inventory, options = {}) {
    const selector = normaliseSelector(settings.selector);
    let t0 = 0;
    let refreshed = false;
    let lastRefreshS = 0;
    let running = [];
    return {
        source: 'prometheus',
        async start() {
            t0 = nowS();
            refreshed = false;
            running = [];
        },
        snapshot: () => running,
        async refresh() {
            const t = nowS();
            if (!refreshed) {
                // the command starts now: what the cluster spent while other sensors started is not its
                refreshed = true;
                t0 = t;
                lastRefreshS = t;
                return;
            }
            // progress lines get a running total at most once per scrape interval: one small query
            if (t - lastRefreshS < Math.max(inventory.intervalS, 5) || inventory.gpuSeries === 0)
                return;
            lastRefreshS = t;
            try {
                const [row] = await client.queryVector(buildRunningTotalQuery(selector, t - t0), t);
                running = row ? [{ id: 'prometheus:running', energyJ: Number(row.value[1]) / 1000 }] : [];
            }
            catch {
                // a progress stamp may lag; the window's total is read at stop
            }
        },
        async stop() {
            const t1 = nowS();
            const windowS = t1 - t0;
            // the scrape that began before t1 is stored once it answers: wait one interval for it
            await sleep$1(options.settleMs ?? inventory.intervalS * 1000 + 500);
            const q = buildWindowQueries(selector, windowS);
            try {
                const [dcgm, rapl, kepler] = await Promise.all([
                    client.queryVector(q.dcgm, t1),
                    inventory.raplSeries > 0 ? client.queryVector(q.rapl, t1) : Promise.resolve([]),
                    inventory.keplerSeries > 0 ? client.queryVector(q.kepler, t1) : Promise.resolve([])
                ]);
                const parsed = parseWindowAnswers({ dcgm, rapl, kepler }, { windowS, intervalS: inventory.intervalS });
                if (parsed.components.length === 0)
                    throw new Error(`Prometheus at ${client.shownUrl} had no sample of the job's energy series in the window (its exporters stopped answering, or the selector's series ended before it)`);
                if (parsed.notes.length > 0 && parsed.components[0])
                    parsed.components[0].notes = [...(parsed.components[0].notes ?? []), ...parsed.notes];
                return parsed.components;
            }
            catch (error) {
                return [
                    {
                        id: 'prometheus',
                        kind: 'other',
                        name: `cluster at ${client.shownUrl}`,
                        method: 'counter',
                        source: 'prometheus:dcgm',
                        energyJ: 0,
                        meanPowerW: null,
                        samples: 0,
                        coverage: 0,
                        notes: [error.message]
                    }
                ];
            }
        }
    };
}
function createPrometheusClient(settings) {
    try {
        return new PrometheusClient({ url: settings.url, token: settings.token });
    }
    catch (error) {
        throw new UsageError(error.message);
    }
}

// The cluster contract in a measurement: the Prometheus source beside the runner's own sensors.
// The preflight runs before the command; the runner's devices that Prometheus also sees are
// read from Prometheus only, so no device is counted twice.
const CLUSTER_ENV = {
    url: 'JOULEGATE_PROMETHEUS_URL', // contract
    token: 'JOULEGATE_PROMETHEUS_TOKEN', // contract
    intervalS: 'JOULEGATE_PROMETHEUS_INTERVAL_S'
};
const LOCAL_GPU_SOURCES = new Set(['nvml', 'nvidia-smi', 'amd-hwmon']);
const LOCAL_CPU_SOURCES = new Set(['rapl', 'estimate']);
/** Null without a URL (setting or JOULEGATE_PROMETHEUS_URL); otherwise preflighted, or a UsageError. */
async function openClusterSource(settings, env) {
    const url = settings.prometheusUrl || env[CLUSTER_ENV.url] || null;
    if (!url)
        return null;
    const intervalS = Number(env[CLUSTER_ENV.intervalS]);
    const prom = {
        url,
        selector: settings.prometheusSelector ?? null,
        token: env[CLUSTER_ENV.token] || null,
        intervalS: Number.isFinite(intervalS) && intervalS > 0 ? intervalS : null
    };
    const client = createPrometheusClient(prom);
    const inventory = await inspectCluster(client, prom);
    const hosts = [...inventory.gpuHosts].sort();
    const notices = [
        `Prometheus at ${client.shownUrl}${prom.selector ? ` with ${prom.selector}` : ''}: ${inventory.gpuSeries} GPU series on ${hosts.length} node(s) (${hosts.slice(0, 8).join(', ')}${hosts.length > 8 ? ', …' : ''}), ${inventory.raplSeries} RAPL and ${inventory.keplerSeries} Kepler series; scrape interval ${inventory.intervalS} s from ${inventory.intervalFrom}`
    ];
    const me = hostname();
    return {
        source: 'prometheus',
        client,
        inventory,
        probe: async () => ({ sensor: createPrometheusSensor(client, prom, inventory), notices }),
        filterLocal(sensors, localGpuUuids) {
            const out = [];
            const gpuSeen = inventory.gpuHosts.has(me) || localGpuUuids.some((u) => inventory.uuids.has(u));
            const cpuSeen = inventory.cpuHosts.has(me);
            const kept = sensors.filter((s) => {
                if (gpuSeen && LOCAL_GPU_SOURCES.has(s.source)) {
                    out.push(`local ${s.source} sensor not used: this runner's GPUs are in Prometheus and are counted from there once`);
                    return false;
                }
                if (cpuSeen && LOCAL_CPU_SOURCES.has(s.source)) {
                    out.push(`local ${s.source} sensor not used: this runner's CPU is in Prometheus (node exporter RAPL) and is counted from there once`);
                    return false;
                }
                return true;
            });
            return { sensors: kept, notices: [...new Set(out)] };
        }
    };
}

// Runs the measured command in its own process group so that signals reach the whole training
// (data loader workers, torchrun children), not only the shell that started it.
function describeCommand(spec) {
    if ('shell' in spec)
        return spec.shell;
    return spec.argv
        .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
        .join(' ');
}
/** How long processes the command left behind get between SIGTERM and SIGKILL. */
const LEFTOVER_GRACE_MS = 2000;
function describeLeftovers(count) {
    const what = count < 0 ? 'leftover processes' : `${count} leftover process${count === 1 ? '' : 'es'}`;
    return `${what} of the command were stopped: they still ran in the background after it exited`;
}
function startCommand(spec, options) {
    const [file, args] = 'shell' in spec ? ['/bin/sh', ['-c', spec.shell]] : [spec.argv[0], spec.argv.slice(1)];
    // the child leads a new process group (and session) that is signalled as a whole
    const child = spawnInGroup(file, args, {
        cwd: options.cwd,
        env: options.env,
        stdio: ['inherit', 'inherit', 'inherit']
    });
    const ended = child.exited.then(({ code, signal, error }) => {
        if (error && child.pid === undefined) {
            return {
                exitCode: error.code === 'ENOENT' ? 127 : 126,
                signal: null,
                spawnError: `cannot start ${JSON.stringify(file)}: ${error.message}`
            };
        }
        return { exitCode: code, signal };
    });
    // The command is over when its own process exits: what it left running in the background
    // would use energy outside the window and could still write the job's files (GITHUB_OUTPUT)
    // after joulegate wrote its verdict, so the group ends before `exited` resolves.
    const exited = ended.then(async (exit) => {
        if (child.pid === undefined || exit.spawnError)
            return exit;
        const leftovers = await child.endLeftovers(options.leftoverGraceMs ?? LEFTOVER_GRACE_MS);
        return leftovers === 0 ? exit : { ...exit, leftoverNotice: describeLeftovers(leftovers) };
    });
    return {
        pid: child.pid,
        exited,
        groupAlive: () => child.alive(),
        signalGroup: (signal) => void child.signal(signal)
    };
}
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** The signal an abort stands for: its reason when that names one (also inside an Error), else SIGTERM. */
function signalOfAbort(reason) {
    const text = typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : '';
    return FORWARDED.find((s) => text === s || text.includes(s)) ?? 'SIGTERM';
}
/**
 * Forwards an abort to the process group: the abort's signal first (SIGINT or SIGTERM), SIGKILL
 * `graceMs` later, so a cancelled job still finishes inside the runner's 7.5 s window. Children
 * that outlive the command's own process (workers that trap the signal) get the same deadline.
 */
function forwardAbort(command, signal, graceMs) {
    let killTimer;
    let abortedAt = null;
    const onAbort = () => {
        abortedAt ??= Date.now();
        command.signalGroup(signalOfAbort(signal?.reason));
        killTimer ??= setTimeout(() => command.signalGroup('SIGKILL'), graceMs);
        killTimer.unref();
    };
    if (signal?.aborted)
        onAbort();
    else
        signal?.addEventListener('abort', onAbort, { once: true });
    return {
        async settle() {
            if (abortedAt === null)
                return;
            const deadline = abortedAt + graceMs;
            while (command.groupAlive() && Date.now() < deadline)
                await new Promise((r) => setTimeout(r, 50));
            if (command.groupAlive())
                command.signalGroup('SIGKILL');
        },
        dispose() {
            signal?.removeEventListener('abort', onAbort);
            if (killTimer)
                clearTimeout(killTimer);
        }
    };
}

// Follows JOULEGATE_METRICS_FILE while the command runs: reads only the bytes appended since the
// last poll, at most a chunk at a time, so a training script that logs every step costs neither a
// tick's time nor memory in proportion to its log. A script that rewrites the file (truncates it and
// writes every line again each epoch) is followed too: the file is read again from its start.
// One read into one reused buffer; a poll returns the complete lines of about this many bytes (more
// only for one very long line), so the caller stamps and records a bounded batch at a time. Small
// enough that the text of a chunk is short-lived garbage: a megabyte would go straight to the
// large-object heap and stay resident until a full collection, a million lines growing memory by
// a hundred megabytes.
const CHUNK_BYTES = 64 * 1024;
// The bytes just before the read position are compared on every poll: a file rewritten with other
// content that has already grown past the old size does not shrink, but these bytes change.
const SIGNATURE_BYTES = 64;
/** FNV-1a of one line: enough to tell a line written again unchanged from a new one. */
function hashLine(line) {
    let h = 0x811c9dc5;
    for (let i = 0; i < line.length; i++) {
        h ^= line.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
}
/** A growable list of line hashes: 4 bytes a line, so a million lines cost 4 MB. */
class HashList {
    data = new Uint32Array(1024);
    length = 0;
    push(h) {
        if (this.length === this.data.length) {
            const bigger = new Uint32Array(this.data.length * 2);
            bigger.set(this.data);
            this.data = bigger;
        }
        this.data[this.length++] = h;
    }
    at(i) {
        return this.data[i];
    }
}
class MetricsFileTail {
    path;
    fd = null;
    offset = 0;
    signature = Buffer.alloc(0);
    rest = '';
    chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    // a character split across two reads is decoded whole
    decoder = new StringDecoder('utf8');
    lineNumber = 0;
    watcher = null;
    hashes = new HashList();
    /** hashes of the lines read before the last rewrite, while the new content repeats them */
    replay = null;
    rewrites = null;
    constructor(path) {
        this.path = path;
    }
    /** Starts after what the file already holds, so lines from an earlier run are not taken again. */
    open() {
        this.fd = openSync(this.path, 'a+');
        this.offset = fstatSync(this.fd).size;
        this.signature = this.readAt(Math.max(0, this.offset - SIGNATURE_BYTES), this.offset);
    }
    /**
     * New complete lines with their 1-based numbers in the file, from at most about one chunk of new
     * bytes (call again until it returns none); `final` also returns an unterminated last line.
     */
    poll(final = false) {
        if (this.fd === null)
            return [];
        let size = fstatSync(this.fd).size;
        if (size < this.offset || !this.signatureHolds()) {
            this.restart();
            size = fstatSync(this.fd).size;
        }
        const out = [];
        while (out.length === 0 && size > this.offset) {
            const read = readSync(this.fd, this.chunk, 0, Math.min(CHUNK_BYTES, size - this.offset), this.offset);
            if (read === 0)
                break;
            const chunk = this.chunk.subarray(0, read);
            this.offset += read;
            this.keepSignature(chunk);
            this.rest += this.decoder.write(chunk);
            const split = splitCompleteLines(this.rest);
            this.rest = split.rest;
            this.take(split.lines, out);
        }
        if (final && size <= this.offset)
            this.rest += this.decoder.end();
        if (final && size <= this.offset && this.rest.trim() !== '') {
            this.take([this.rest], out);
            this.rest = '';
        }
        return out;
    }
    take(lines, out) {
        for (const line of lines) {
            const lineNumber = ++this.lineNumber;
            const h = hashLine(line);
            this.hashes.push(h);
            if (this.repeatsEarlierRead(lineNumber, h))
                continue;
            if (line.trim() !== '')
                out.push({ line, lineNumber });
        }
    }
    /** What following the file met, in words, for the measurement's notices. */
    notes() {
        if (!this.rewrites)
            return [];
        const { count, firstAtLine, repeated } = this.rewrites;
        return [
            `metrics file was truncated/rewritten at line ${firstAtLine}${count > 1 ? ` (and ${count - 1} more time(s))` : ''}: read again from its start; ${repeated} line(s) that repeated what had been read were not counted twice`
        ];
    }
    /**
     * Calls `onChange` when the file is written (inotify on Linux), so lines are stamped when they
     * arrive without polling; where watching is unsupported the caller's periodic poll still reads them.
     */
    watch(onChange) {
        try {
            this.watcher = watch(this.path, { persistent: false }, () => onChange());
            this.watcher.on('error', () => this.unwatch());
        }
        catch {
            this.watcher = null;
        }
    }
    unwatch() {
        this.watcher?.close();
        this.watcher = null;
    }
    close() {
        this.unwatch();
        if (this.fd !== null)
            closeSync(this.fd);
        this.fd = null;
    }
    readAt(from, to) {
        const buffer = Buffer.alloc(Math.max(0, to - from));
        const read = buffer.length > 0 ? readSync(this.fd, buffer, 0, buffer.length, from) : 0;
        return buffer.subarray(0, read);
    }
    keepSignature(chunk) {
        const joined = chunk.length >= SIGNATURE_BYTES ? chunk : Buffer.concat([this.signature, chunk]);
        this.signature = Buffer.from(joined.subarray(Math.max(0, joined.length - SIGNATURE_BYTES)));
    }
    signatureHolds() {
        if (this.signature.length === 0)
            return true;
        const now = this.readAt(this.offset - this.signature.length, this.offset);
        return now.equals(this.signature);
    }
    /** The file shrank or its read part changed: the script wrote it anew, so read it from the start. */
    restart() {
        this.rewrites = this.rewrites
            ? { ...this.rewrites, count: this.rewrites.count + 1 }
            : { count: 1, firstAtLine: this.lineNumber, repeated: 0 };
        this.replay = this.hashes;
        this.hashes = new HashList();
        this.offset = 0;
        this.signature = Buffer.alloc(0);
        this.rest = '';
        this.decoder = new StringDecoder('utf8');
        this.lineNumber = 0;
    }
    /** While the rewritten file repeats the lines read before, they are not new metric lines. */
    repeatsEarlierRead(lineNumber, h) {
        const replay = this.replay;
        if (replay === null)
            return false;
        if (lineNumber <= replay.length && replay.at(lineNumber - 1) === h) {
            this.rewrites.repeated++;
            return true;
        }
        this.replay = null;
        return false;
    }
}

// The progress of long work (idle baseline, repeats, a calibration's runs) as text: one line per
// step for a log, one redrawn line for a terminal with the step and the energy so far.
const seconds = (s) => s < 60 ? `${Math.floor(s)} s` : `${Math.floor(s / 60)} min ${Math.floor(s % 60)} s`;
/** The line a log gets when a step starts. */
function formatStepLine(step) {
    const at = step.index !== undefined && step.total ? `[${step.index}/${step.total}] ` : '';
    return `joulegate: ${at}${step.label}`;
}
/** The terminal's single line: the step, its elapsed time and, where measured, the energy so far. */
function formatProgressLine(step, reading) {
    const parts = [step ? formatStepLine(step) : 'joulegate: running'];
    parts.push(`${seconds(reading.elapsedS)} elapsed`);
    if (reading.energyJ !== null) {
        const approx = reading.estimated ? '≈ ' : '';
        parts.push(`${approx}${formatEnergy(reading.energyJ)} so far`);
        if (reading.elapsedS > 0)
            parts.push(`mean ${approx}${formatSig(reading.energyJ / reading.elapsedS)} W`);
    }
    return parts.join(' · ');
}

// measure: sensors + child process -> one measurement file. Sampling starts before the command and
// the window is the command's life; a cancelled or failing run still yields its measurement.
const METRICS_FILE_ENV = 'JOULEGATE_METRICS_FILE'; // contract
const TICK_MS = 1000;
// a script printing its console log into the metrics file must not fill the measurement with errors
const MAX_METRIC_ERRORS = 100;
function announce(options, step) {
    if (options.onStep)
        options.onStep(step);
    else
        options.log(formatStepLine(step));
}
const sleep = (ms, signal) => new Promise((resolve) => {
    if (signal?.aborted)
        return resolve();
    const timer = setTimeout(done, ms);
    function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
});
async function startAll(sensors) {
    await Promise.all(sensors.map((s) => s.start()));
}
async function stopAll(sensors) {
    return (await Promise.all(sensors.map((s) => s.stop()))).flat();
}
function snapshotEnergy(sensors) {
    return sensors.reduce((sum, s) => sum + s.snapshot().reduce((a, c) => a + c.energyJ, 0), 0);
}
/** Mean power of the machine at rest, so that reports can separate the work from the idle floor. */
async function measureIdlePower(options) {
    if (options.idleS <= 0 || options.signal?.aborted)
        return null;
    const total = options.repeat > 1 ? options.repeat + 1 : undefined;
    announce(options, {
        label: `measuring idle power for ${options.idleS} s`,
        ...(total ? { index: 1, total } : {})
    });
    const { sensors, crossChecks = [] } = await options.openSensors();
    const opened = [...sensors, ...crossChecks];
    await startAll(opened);
    // the window opens when every sensor has its first reading
    const t0 = performance.now();
    await sleep(options.idleS * 1000, options.signal);
    const seconds = (performance.now() - t0) / 1000;
    const components = (await stopAll(sensors)).filter((c) => !(c.samples === 0 && c.coverage === 0));
    await stopAll(crossChecks);
    if (options.signal?.aborted || seconds <= 0)
        return null;
    // each sensor's own mean power covers exactly its window; stopping takes time that is not idle
    if (components.length > 0 && components.every((c) => c.meanPowerW !== null))
        return components.reduce((s, c) => s + (c.meanPowerW ?? 0), 0);
    return sumEnergy(components) / seconds;
}
async function refreshAll(sensors) {
    await Promise.all(sensors.map((s) => s.refresh?.()));
}
function snapshotById(sensors) {
    return new Map(sensors.flatMap((s) => s.snapshot().map((c) => [c.id, c.energyJ])));
}
async function runOnce(options, run, metricsPath) {
    const { sensors, crossChecks: checks = [] } = await options.openSensors();
    const opened = [...sensors, ...checks];
    await startAll(opened);
    if (options.signal?.aborted) {
        // cancelled while the sensors were starting: the command never runs
        await stopAll(opened);
        return emptyRun(describeCommand(options.command));
    }
    const tail = new MetricsFileTail(metricsPath);
    tail.open();
    const progress = new ProgressRecorder();
    const metricErrors = [];
    let moreErrors = 0;
    let otherRanks = 0;
    // Sensors opened a moment ago, some waiting for others' first reading: what each component
    // counted until now is taken off its own total, so the window is the command's life.
    await refreshAll(opened);
    const offsets = snapshotById(opened);
    const offsetJ = snapshotEnergy(sensors);
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const elapsed = () => (performance.now() - t0) / 1000;
    let stopped = false;
    let closedAtS = Infinity;
    const readLines = async (final) => {
        let stamp = null;
        // a bounded batch at a time: a flood of lines never sits in memory at once
        for (let lines = tail.poll(final); lines.length > 0; lines = tail.poll(final)) {
            if (stamp === null) {
                // lines read after the command ended were written before it did
                const elapsedS = Math.min(elapsed(), closedAtS);
                if (!stopped)
                    await refreshAll(sensors);
                stamp = { elapsedS, energyJ: snapshotEnergy(sensors) - offsetJ };
            }
            for (const { line, lineNumber } of lines)
                readLine(stamp, line, lineNumber);
            // let the sensors' readings in between batches
            await new Promise((resolve) => setImmediate(resolve));
        }
    };
    const readLine = (stamp, line, lineNumber) => {
        const parsed = parseMetricLine(line, lineNumber);
        if (parsed.ok && !takeCountedRank(parsed.values))
            otherRanks++;
        else if (parsed.ok)
            progress.add(stamp, parsed.values, lineNumber);
        else if (metricErrors.length < MAX_METRIC_ERRORS) {
            metricErrors.push(parsed.error);
            options.log(`joulegate: ${parsed.error} (ignored)`);
        }
        else
            moreErrors++;
    };
    // one read at a time, in order: a watch event and the tick may both ask for one
    let reading = Promise.resolve();
    const readMetrics = (final) => (reading = reading
        .then(() => readLines(final))
        .catch((error) => options.log(`joulegate: metrics file: ${String(error)}`)));
    const command = startCommand(options.command, {
        cwd: options.cwd,
        env: { ...options.env, [METRICS_FILE_ENV]: metricsPath }
    });
    const forwarding = forwardAbort(command, options.signal, options.killGraceMs ?? 4000);
    let lastTick = 0;
    const timer = setInterval(() => {
        void readMetrics(false);
        if (options.onTick && elapsed() - lastTick >= 1) {
            lastTick = elapsed();
            options.onTick({
                run,
                runs: options.repeat,
                elapsedS: lastTick,
                energyJ: snapshotEnergy(sensors) - offsetJ
            });
        }
    }, 
    // metric lines arrive through the file watch; this tick only redraws progress and catches
    // what a watch may miss, so it need not wake the monitor more than once a second
    Math.max(options.intervalMs, TICK_MS));
    tail.watch(() => void readMetrics(false));
    const exit = await command.exited;
    const durationS = elapsed();
    closedAtS = durationS;
    clearInterval(timer);
    // the window closes with the command: sensors stop first, late metric lines are read after
    const components = await stopAll(sensors);
    const crossChecks = await stopAll(checks);
    stopped = true;
    await readMetrics(true);
    await forwarding.settle();
    forwarding.dispose();
    tail.close();
    const rankNote = otherRanks > 0
        ? [
            `${otherRanks} metrics line(s) from ranks other than 0 were not counted (rank 0's metrics are the run's)`
        ]
        : [];
    if (moreErrors > 0)
        metricErrors.push(`${moreErrors} more metrics line(s) were not valid and are not listed`);
    if (exit.spawnError)
        options.log(`joulegate: ${exit.spawnError}`);
    if (exit.leftoverNotice)
        options.log(`joulegate: ${exit.leftoverNotice}`);
    const { counted, unmeasured } = windowComponents(components, offsets, durationS);
    return {
        command: describeCommand(options.command),
        startedAt,
        durationS,
        exitCode: exit.exitCode,
        signal: exit.signal,
        interrupted: Boolean(options.signal?.aborted) || exit.signal === 'SIGINT' || exit.signal === 'SIGTERM',
        components: counted,
        progress: progress.points(),
        metricErrors,
        crossChecks: windowComponents(crossChecks, offsets, durationS).counted,
        notices: [
            ...unmeasured,
            // a cluster device's caveats (a counter reset, a node that left) belong in the report
            ...counted.flatMap((c) => (c.host !== undefined ? (c.notes ?? []) : [])),
            ...(exit.leftoverNotice ? [exit.leftoverNotice] : []),
            ...tail.notes(),
            ...progress.notes(),
            ...rankNote
        ]
    };
}
/**
 * Each component minus what it had counted when the command started, its mean power over the
 * command's life; a component that never produced a reading is not a measured zero: it stays as
 * 0 J with coverage 0 (so the verdict says the measurement is incomplete instead of judging a
 * total without it, which looks like a saving) and is named.
 */
function windowComponents(components, offsets, durationS) {
    const unmeasured = [];
    const counted = components.flatMap((c) => {
        if (c.samples === 0 && c.coverage === 0) {
            unmeasured.push(`${c.id} (${c.name}) gave no reading: kept with coverage 0, so this run cannot be judged${c.notes?.length ? ` (${c.notes.join('; ')})` : ''}`);
            return [{ ...c, energyJ: 0, meanPowerW: null }];
        }
        const energyJ = Math.max(0, c.energyJ - (offsets.get(c.id) ?? 0));
        return [
            {
                ...c,
                energyJ,
                meanPowerW: c.meanPowerW === null || durationS <= 0 ? c.meanPowerW : energyJ / durationS
            }
        ];
    });
    return { counted, unmeasured };
}
async function measureCommand(options) {
    const ownDir = options.env[METRICS_FILE_ENV] ? null : mkdtempSync(join(tmpdir(), 'joulegate-'));
    const metricsPath = options.env[METRICS_FILE_ENV] || join(ownDir, 'metrics.jsonl');
    try {
        const idlePowerW = await measureIdlePower(options);
        const runs = [];
        for (let run = 1; run <= options.repeat; run++) {
            if (options.signal?.aborted)
                break;
            if (options.repeat > 1) {
                const idle = options.idleS > 0 ? 1 : 0;
                announce(options, {
                    label: `run ${run} of ${options.repeat}`,
                    index: run + idle,
                    total: options.repeat + idle
                });
            }
            const result = await runOnce(options, run, metricsPath);
            runs.push(result);
            if (result.interrupted || result.exitCode !== 0)
                break;
        }
        if (runs.length === 0)
            runs.push(emptyRun(describeCommand(options.command)));
        const gpuNames = runs[0].components.filter((c) => c.kind === 'gpu').map((c) => c.name);
        const host = await options.readHost(gpuNames);
        return assembleMeasurement({
            runs,
            idlePowerW,
            host,
            intervalMs: options.intervalMs,
            notices: options.notices ?? []
        });
    }
    finally {
        if (ownDir)
            rmSync(ownDir, { recursive: true, force: true });
    }
}
function emptyRun(command) {
    return {
        command,
        startedAt: new Date().toISOString(),
        durationS: 0,
        exitCode: null,
        signal: null,
        interrupted: true,
        components: [],
        progress: [],
        metricErrors: []
    };
}

// Wires sensors, host inventory and the child process into one measurement. Shared by the CLI
// and the action; the caller owns signals (an AbortSignal) and where progress goes.
async function runMeasurement(command, settings, context) {
    const sensorEnv = sensorEnvOf(context.env, settings.intervalMs);
    const crossCheck = context.env.crossCheck;
    // the cluster's preflight comes first: a selector that matches nothing fails before anything runs
    const cluster = await openClusterSource(settings, context.env.vars);
    const localUuids = cluster
        ? (await readGpuInventory(sensorEnv).catch(() => [])).flatMap((g) => (g.uuid ? [g.uuid] : []))
        : [];
    const probe = async () => {
        const p = await probeSensors(sensorEnv, { crossCheck });
        if (!cluster)
            return p;
        const kept = cluster.filterLocal(p.sensors, localUuids);
        const keptChecks = cluster.filterLocal(p.crossChecks, localUuids);
        const remote = await cluster.probe(sensorEnv);
        return {
            sensors: [...kept.sensors, ...(remote.sensor ? [remote.sensor] : [])],
            crossChecks: keptChecks.sensors,
            notices: [
                ...remote.notices,
                ...p.notices,
                ...new Set([...kept.notices, ...keptChecks.notices])
            ]
        };
    };
    const first = await probe();
    const launcher = describeLauncher(command);
    if (launcher)
        first.notices.push(launcher);
    for (const notice of first.notices)
        context.log(`joulegate: ${notice}`);
    const named = [
        ...first.sensors.map((s) => s.source),
        ...first.crossChecks.map((s) => `${s.source} (cross-check)`)
    ];
    context.log(`joulegate: sensors: ${named.join(', ') || 'none'}`);
    const estimated = first.sensors.some((s) => s.source === 'estimate');
    let pending = first;
    // The first window reuses the probe's sensors; later windows (idle, repeats) probe afresh.
    const openSensors = async () => {
        if (pending) {
            const sensors = pending;
            pending = null;
            return sensors;
        }
        return probe();
    };
    return measureCommand({
        command,
        cwd: context.cwd,
        env: context.env.vars,
        openSensors,
        readHost: async (seen) => {
            // a cluster job's hardware is every GPU it ran on, models and counts (the fingerprint)
            if (cluster)
                return readHostInventory(seen, null);
            // The inventory names every visible GPU with its driver; the sensors' names are the fallback.
            const inventory = await readGpuInventory(sensorEnv).catch(() => []);
            const names = inventory.length > 0 ? inventory.map((g) => g.name) : seen;
            return readHostInventory(names, inventory.find((g) => g.driver)?.driver ?? null);
        },
        idleS: settings.idleSeconds,
        repeat: settings.repeat,
        intervalMs: settings.intervalMs,
        signal: context.signal,
        onTick: context.onTick ? (tick) => context.onTick(tick, estimated) : undefined,
        onStep: context.onStep,
        log: context.log,
        notices: first.notices
    });
}
// Launchers start one process per GPU (rank); joulegate stays outside them and reads each device once.
const LAUNCHERS = ['torchrun', 'deepspeed', 'accelerate', 'mpirun', 'mpiexec', 'srun', 'horovodrun'];
function describeLauncher(command) {
    const words = 'argv' in command ? command.argv : command.shell.split(/\s+/);
    const base = (w) => w.split('/').pop() ?? w;
    const found = words.map(base).find((w) => LAUNCHERS.includes(w)) ??
        (words.includes('torch.distributed.run') ? 'torch.distributed.run' : null);
    return found
        ? `${found} starts several ranks: each GPU of this host is measured once by joulegate, whatever the number of ranks; metrics lines with "rank" count for rank 0 only`
        : null;
}

// Where progress goes. On a terminal one line is redrawn in place (the step, its time, the energy
// so far) and other messages are printed above it; in a log (not a terminal, or CI) each step is
// one line and nothing is redrawn, so a CI log holds no carriage returns or escape codes.
const CLEAR = '\r\x1b[2K';
function createProgressWriter(target) {
    const now = target.now ?? (() => performance.now());
    if (!target.live) {
        return {
            step: (step) => target.write(formatStepLine(step)),
            tick: () => { },
            log: (line) => target.write(line),
            clear: () => { },
            dispose: () => { }
        };
    }
    let current = null;
    let startedAt = now();
    let lastTick = null;
    let drawn = false;
    const draw = () => {
        const elapsedS = lastTick
            ? lastTick.tick.elapsedS + (now() - lastTick.at) / 1000
            : (now() - startedAt) / 1000;
        const line = formatProgressLine(current, {
            elapsedS,
            energyJ: lastTick ? lastTick.tick.energyJ : null,
            estimated: lastTick?.estimated ?? false
        });
        target.write(`${CLEAR}${line}`);
        drawn = true;
    };
    const clear = () => {
        if (drawn)
            target.write(CLEAR);
        drawn = false;
    };
    // the idle window and cooldowns have no energy readings: the clock still moves
    const timer = setInterval(() => {
        if (current && (!lastTick || now() - lastTick.at > 1500))
            draw();
    }, target.redrawMs ?? 1000);
    timer.unref();
    return {
        step(step) {
            current = step;
            startedAt = now();
            lastTick = null;
            draw();
        },
        tick(tick, estimated) {
            lastTick = { tick, estimated, at: now() };
            draw();
        },
        log(line) {
            const was = drawn;
            clear();
            target.write(`${line}\n`);
            if (was)
                draw();
        },
        clear,
        dispose() {
            clearInterval(timer);
            clear();
        }
    };
}

// The CLI side of a measurement: SIGINT/SIGTERM become an abort that the pipeline forwards to the
// command's process group, and progress goes to a live line on a terminal, a line per step in a log.
/** The command's status when it fails (128 + signal number when a signal ended it), else 0. */
function exitStatusOf(m, received) {
    if (m.exitCode !== null)
        return m.exitCode;
    const signal = m.signal ?? (m.interrupted ? (typeof received === 'string' ? received : 'SIGINT') : null);
    return signal ? 128 + (constants.signals[signal] ?? 1) : 1;
}
function createMeasureRunner(io) {
    const controller = new AbortController();
    const progress = createProgressWriter({
        live: io.isTty,
        write: io.isTty ? (text) => void process.stderr.write(text) : (text) => io.err(text)
    });
    const onSignal = (signal) => {
        progress.log(`joulegate: ${signal} received; stopping the command and keeping the partial measurement`);
        if (!controller.signal.aborted)
            controller.abort(signal);
    };
    // a notice is printed once: a later probe (each repeat, each calibration run) finds it again
    const printed = new Set();
    const log = (line) => {
        if (printed.has(line))
            return;
        printed.add(line);
        progress.log(line);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    return {
        signal: controller.signal,
        onTick: (tick, estimated) => progress.tick(tick, estimated),
        onStep: (step) => progress.step(step),
        /** messages of the pipeline, printed once each, above the progress line */
        log,
        /** whether this message was printed already (a summary need not repeat it) */
        printed: (line) => printed.has(line),
        async measure(command, settings) {
            const measurement = await runMeasurement(command, settings, {
                env: readEnv(),
                cwd: settings.workingDirectory ?? undefined,
                log,
                signal: controller.signal,
                onTick: (tick, estimated) => progress.tick(tick, estimated),
                onStep: (step) => progress.step(step)
            });
            progress.clear();
            return measurement;
        },
        /** removes the progress line before a result is printed */
        clear: () => progress.clear(),
        dispose() {
            progress.dispose();
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
        }
    };
}

export { readHostInventory as a, measureIdlePower as b, createMeasureRunner as c, describeTotalMethod as d, exitStatusOf as e, formatStepLine as f, computeRepeatStats as g, runMeasurement as h, measureCommand as m, netEnergy as n, probeSensors as p, readGpuInventory as r };
