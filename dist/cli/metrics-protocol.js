import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
// planned_epochs / planned_steps say how long the full training will be (for the projection):
// bookkeeping like epoch and step, never a metric a reviewer judges
const RESERVED_METRIC_KEYS = [
    'params',
    'macs',
    'flops',
    'epoch',
    'step',
    'planned_epochs',
    'planned_steps'
];
/** Parses one line; `lineNumber` is 1-based and only used in the error text. */
function parseMetricLine(line, lineNumber) {
    const text = line.trim();
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        return {
            ok: false,
            error: `metrics line ${lineNumber}: not JSON: ${preview(text)}; expected one JSON object per line such as {"epoch": 3, "psds1": 0.52}`
        };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return {
            ok: false,
            error: `metrics line ${lineNumber}: got ${preview(text)}, expected a JSON object such as {"epoch": 3, "psds1": 0.52}`
        };
    }
    const values = {};
    for (const [key, value] of Object.entries(parsed)) {
        if (typeof value === 'number') {
            if (Number.isFinite(value))
                values[key] = value;
        }
        else if (typeof value === 'string' || typeof value === 'boolean' || value === null) {
            values[key] = value;
        }
        // nested objects and arrays carry no metric; they are dropped rather than guessed at
    }
    return { ok: true, values };
}
/**
 * Several ranks of a launcher (torchrun, deepspeed, srun) may share one metrics file. A line that
 * says `"rank": N` counts only when N is the counted rank (rank 0 unless the user chose another):
 * other ranks repeat rank 0's epochs with their own shard's numbers, and mixing them would make
 * the curve jump between shards. Lines without `rank` always count. The key itself is dropped.
 */
function takeCountedRank(values, countedRank = 0) {
    if (!('rank' in values))
        return true;
    const rank = values['rank'];
    delete values['rank'];
    return countedRank === 'all' || rank === countedRank || rank === String(countedRank);
}
function preview(text) {
    return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
/** The last value of each key is the final metric; numbers go to metrics, the rest to labels. */
function collectFinalMetrics(progress) {
    const metrics = {};
    const labels = {};
    for (const point of progress) {
        for (const [key, value] of Object.entries(point.values)) {
            if (typeof value === 'number') {
                metrics[key] = value;
                delete labels[key];
            }
            else {
                labels[key] = value;
                delete metrics[key];
            }
        }
    }
    return { metrics, labels };
}
/** Splits a growing text buffer into complete lines and the unfinished rest. */
function splitCompleteLines(buffer) {
    const parts = buffer.split('\n');
    const rest = parts.pop() ?? '';
    return { lines: parts.map((l) => l.replace(/\r$/, '')), rest };
}
/**
 * How many progress points one run keeps (contract: README "Reporting metrics from a training
 * script"). A training script may log every step: a million lines of sixteen keys would hold more
 * than a gigabyte in memory and in the measurement file, and the curve and the projection need far
 * fewer points. Kept: the first and the last line, for each key the lines holding its first, last,
 * highest and lowest value, and for each key evenly spaced lines among those that carry it (so a
 * validation score reported once an epoch keeps its points beside a loss reported every step).
 * Final metrics stay exact because the line with each key's last value is always kept.
 */
const MAX_PROGRESS_POINTS = 1000;
/** Keys past this many distinct ones are dropped (their per-key points would crowd out the curve). */
const MAX_METRIC_KEYS = 100;
/**
 * Streams metric lines into at most `maxPoints` progress points, with memory bounded by that
 * count whatever the number of lines: each key's stride doubles whenever the key has more evenly
 * spaced lines than its share, and the share halves while the kept points exceed the bound.
 */
class ProgressRecorder {
    maxPoints;
    kept = [];
    /** the last line added: always kept (it is the last line), the others only when needed */
    newest = null;
    lines = 0;
    share;
    keys = new Map();
    droppedKeys = null;
    constructor(maxPoints = MAX_PROGRESS_POINTS) {
        this.maxPoints = maxPoints;
        this.share = Math.max(1, Math.floor(maxPoints / 2));
    }
    /** `lineNumber` (1-based, in the metrics file) only names the line in notes. */
    add(stamp, values, lineNumber = this.lines + 1) {
        const entry = { line: this.lines++, point: { ...stamp, values: {} }, occurrences: [] };
        for (const [key, value] of Object.entries(values)) {
            let track = this.keys.get(key);
            if (!track) {
                if (this.keys.size >= MAX_METRIC_KEYS) {
                    this.noteDroppedKey(key, lineNumber);
                    continue;
                }
                track = { count: 0, stride: 1, first: entry, last: entry, max: null, min: null };
                this.keys.set(key, track);
            }
            entry.point.values[key] = value;
            entry.occurrences.push({ track, index: track.count++ });
            track.last = entry;
            if (typeof value === 'number') {
                if (track.max === null || value > track.max.point.values[key])
                    track.max = entry;
                if (track.min === null || value < track.min.point.values[key])
                    track.min = entry;
            }
        }
        // the line before is kept only if it is still needed; most lines are dropped at once, so a
        // flood leaves short-lived garbage instead of filling memory between compactions
        if (this.newest && (isPinned(this.newest) || isOnSomeGrid(this.newest)))
            this.kept.push(this.newest);
        this.newest = entry;
        if (this.kept.length + 1 > this.maxPoints)
            this.compact();
    }
    /** The kept points in the order their lines were written. */
    points() {
        return this.all().map((k) => k.point);
    }
    /** What the recorder left out, in words, for the measurement's notices. */
    notes() {
        const notes = [];
        const kept = this.all().length;
        if (kept < this.lines) {
            notes.push(`progress keeps ${kept} of ${this.lines} metric lines (at most ${this.maxPoints}: the first, the last, each key's first, last, highest and lowest value, and evenly spaced lines of each key); final metrics are the last value of each key over all lines`);
        }
        if (this.droppedKeys) {
            const { first, count, line } = this.droppedKeys;
            notes.push(`metrics line ${line}: more than ${MAX_METRIC_KEYS} distinct keys; ${count} key(s) from ${JSON.stringify(first)} on were not recorded`);
        }
        return notes;
    }
    noteDroppedKey(key, line) {
        if (this.droppedKeys)
            this.droppedKeys.count++;
        else
            this.droppedKeys = { first: key, count: 1, line };
    }
    all() {
        return this.newest ? [...this.kept, this.newest] : this.kept;
    }
    /** Thins until a quarter of the bound is free, so compaction runs once per many lines. */
    compact() {
        const target = Math.floor((this.maxPoints * 3) / 4);
        const first = this.kept[0];
        for (;;) {
            for (const t of this.keys.values())
                while (t.count / t.stride > this.share)
                    t.stride *= 2;
            this.kept = this.kept.filter((k) => k === first || isPinned(k) || isOnSomeGrid(k));
            if (this.kept.length + 1 <= target || this.share === 1)
                return;
            this.share = Math.max(1, Math.floor(this.share / 2));
        }
    }
}
/** Whether some key needs this line: it holds the key's first, last, highest or lowest value. */
function isPinned(k) {
    return k.occurrences.some(({ track: t }) => t.first === k || t.last === k || t.max === k || t.min === k);
}
function isOnSomeGrid(k) {
    return k.occurrences.some((o) => o.index % o.track.stride === 0);
}
/** The same thinning applied to a progress list already in memory (a measurement file from elsewhere). */
function downsampleProgress(progress, maxPoints = MAX_PROGRESS_POINTS) {
    if (progress.length <= maxPoints)
        return [...progress];
    const recorder = new ProgressRecorder(maxPoints);
    for (const p of progress)
        recorder.add({ elapsedS: p.elapsedS, energyJ: p.energyJ }, p.values);
    return recorder.points();
}

export { ProgressRecorder as P, RESERVED_METRIC_KEYS as R, collectFinalMetrics as c, downsampleProgress as d, parseMetricLine as p, splitCompleteLines as s, takeCountedRank as t };
