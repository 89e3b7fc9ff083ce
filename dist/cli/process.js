import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

// The one place joulegate starts processes: git, nvidia-smi, the NVML helper, the measured command
// and the reference suite's probe. Each child leads its own process group (spawned detached), so a
// wrapper script that runs the real tool without `exec`, a torchrun's workers or git's ssh are
// stopped with it; a timeout ends the whole group; stderr is kept as a bounded tail for notices;
// and whatever is still running when joulegate exits is killed, so no helper outlives it.
const live = new Set();
let exitHookInstalled = false;
/** How long stop() waits after SIGKILL before it resolves anyway. */
const AFTER_KILL_MS = 500;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function signalPgid(pgid, signal) {
    try {
        process.kill(-pgid, signal);
        return true;
    }
    catch {
        return false; // the group is gone
    }
}
function signalGroup(child, signal) {
    if (child.pid === undefined)
        return false;
    if (signalPgid(child.pid, signal))
        return true;
    try {
        return child.kill(signal); // no group (already reaped leader): the process itself, if any
    }
    catch {
        return false;
    }
}
/** Kills children a careless caller forgot to stop, so none outlives joulegate. */
function installExitHook() {
    if (exitHookInstalled)
        return;
    exitHookInstalled = true;
    process.once('exit', () => {
        for (const child of live)
            signalGroup(child, 'SIGKILL');
    });
}
/**
 * The live members of process group `pgid` (Linux /proc: field 5 of stat is the group; zombies,
 * already dead, are not counted), or null where /proc cannot tell.
 */
function listGroup(pgid) {
    let entries;
    try {
        entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
    }
    catch {
        return null;
    }
    const members = [];
    for (const e of entries) {
        try {
            const fields = readFileSync(`/proc/${e}/stat`, 'utf8').split(') ')[1].split(' ');
            if (fields[0] !== 'Z' && Number(fields[2]) === pgid)
                members.push(Number(e));
        }
        catch {
            // exited meanwhile
        }
    }
    return members;
}
function groupAlive(pgid) {
    const members = listGroup(pgid);
    return members === null ? signalPgid(pgid, 0) : members.length > 0;
}
/** Resolves once `child` has exited and its pipes closed, or failed to start. */
function watchExit(child) {
    return new Promise((resolve) => {
        let error = null;
        child.once('error', (e) => {
            error = e;
            live.delete(child);
            // 'close' does not always follow a failed spawn
            if (child.pid === undefined)
                resolve({ code: null, signal: null, error });
        });
        child.once('close', (code, signal) => {
            live.delete(child);
            resolve({ code, signal, error });
        });
    });
}
function keepTail(stream, limit) {
    let tail = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
        tail = tail.length + chunk.length <= limit ? tail + chunk : (tail + chunk).slice(-limit);
    });
    return () => tail;
}
/** Starts `command` as the leader of a new process group; throws only on arguments spawn refuses. */
function spawnInGroup(command, args, options = {}) {
    installExitHook();
    const stdio = options.stdio ?? ['pipe', 'pipe', 'pipe'];
    const child = spawn(command, [...args], {
        cwd: options.cwd,
        env: options.env,
        stdio: [...stdio],
        windowsHide: true,
        detached: true // its own process group (and session), signalled as a whole
    });
    live.add(child);
    const stderrTail = child.stderr
        ? keepTail(child.stderr, options.stderrTailChars ?? 2000)
        : () => '';
    // EPIPE when it already died or never reads stdin: its exit says why
    child.stdin?.on('error', () => undefined);
    const exited = watchExit(child);
    return {
        pid: child.pid,
        stdin: child.stdin,
        stdout: child.stdout,
        exited,
        stderrTail,
        signal: (signal) => signalGroup(child, signal),
        alive: () => child.pid !== undefined && groupAlive(child.pid),
        stop: async (termMs, killMs) => {
            let giveUp;
            const term = killMs > termMs ? setTimeout(() => signalGroup(child, 'SIGTERM'), termMs) : null;
            const kill = setTimeout(() => signalGroup(child, 'SIGKILL'), killMs);
            const bounded = new Promise((resolve) => {
                giveUp = setTimeout(resolve, killMs + AFTER_KILL_MS);
            });
            await Promise.race([exited, bounded]);
            if (term)
                clearTimeout(term);
            clearTimeout(kill);
            clearTimeout(giveUp);
            for (const stream of [child.stdin, child.stdout, child.stderr])
                stream?.destroy();
        },
        endLeftovers: async (graceMs) => {
            const pgid = child.pid;
            if (pgid === undefined)
                return 0;
            const members = listGroup(pgid);
            const count = members === null ? (signalPgid(pgid, 0) ? -1 : 0) : members.length;
            if (count === 0)
                return 0;
            signalPgid(pgid, 'SIGTERM');
            const deadline = Date.now() + graceMs;
            while (groupAlive(pgid) && Date.now() < deadline)
                await sleep(25);
            if (groupAlive(pgid))
                signalPgid(pgid, 'SIGKILL');
            return count;
        }
    };
}
/**
 * Runs a short command to completion in its own process group. Never rejects: a command that
 * cannot be started, exits non-zero, is killed or times out is described by the result, for the
 * caller to judge (a missing nvidia-smi is a notice, a missing git an error).
 */
async function runProcess(command, args, options = {}) {
    let proc;
    try {
        proc = spawnInGroup(command, args, {
            cwd: options.cwd,
            env: options.env,
            stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
            stderrTailChars: options.stderrTailChars ?? 64 * 1024
        });
    }
    catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        return { stdout: Buffer.alloc(0), stderr: '', code: null, signal: null, error, timedOut: false };
    }
    const out = [];
    let outBytes = 0;
    const max = options.maxStdoutBytes ?? Infinity;
    proc.stdout.on('data', (b) => {
        if (outBytes >= max)
            return;
        out.push(b);
        outBytes += b.length;
    });
    if (options.input !== undefined)
        proc.stdin.end(options.input);
    let timedOut = false;
    let timer;
    const gaveUp = new Promise((resolve) => {
        if (options.timeoutMs === undefined)
            return;
        timer = setTimeout(() => {
            timedOut = true;
            void proc.stop(0, options.killGraceMs ?? 1000).then(() => resolve(null));
        }, options.timeoutMs);
    });
    const exit = (await Promise.race([proc.exited, gaveUp])) ?? {
        code: null,
        signal: null,
        error: null
    };
    clearTimeout(timer);
    // a background child it left behind, which would hold GPU memory or the pipes
    if (options.killLeftovers ?? true)
        proc.signal('SIGKILL');
    const stdout = Buffer.concat(out);
    return { ...exit, stdout: stdout.subarray(0, max), stderr: proc.stderrTail(), timedOut };
}
/** How a run ended, for a notice: "exit 2", "killed by SIGTERM", "no answer within 5 s". */
function describeExit(result, timeoutMs) {
    if (result.timedOut)
        return timeoutMs === undefined ? 'timed out' : `no answer within ${timeoutMs / 1000} s`;
    if (result.error)
        return result.error.message;
    if (result.signal)
        return `killed by ${result.signal}`;
    return `exit ${result.code}`;
}
/**
 * Runs a probe (nvidia-smi's queries): after `timeoutMs` the group gets SIGKILL at once and the
 * result says ETIMEDOUT: a hung driver call, or a wrapper whose child holds the pipes, must not
 * hang joulegate. Output beyond 4 MiB is dropped.
 */
async function runOneShot(command, args, timeoutMs) {
    const r = await runProcess(command, args, {
        timeoutMs,
        killGraceMs: 0,
        maxStdoutBytes: 4 << 20,
        stderrTailChars: 1 << 20
    });
    const code = r.timedOut
        ? 'ETIMEDOUT'
        : r.error
            ? (r.error.code ?? r.error.message)
            : (r.code ?? r.signal);
    return { stdout: r.stdout.toString('utf8'), stderr: r.stderr, code };
}

export { runOneShot as a, describeExit as d, runProcess as r, spawnInGroup as s };
