import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { U as UsageError, d as describeBadValue } from './mod.js';
import { r as runProcess } from './process.js';

// Runs the real git executable. Output is collected without a size cap (history files grow), the
// locale is fixed so messages can be recognised, and git never stops to ask for a password.
class GitError extends Error {
    args;
    stderr;
    code;
    constructor(message, args, stderr, code) {
        super(message);
        this.args = args;
        this.stderr = stderr;
        this.code = code;
        this.name = 'GitError';
    }
}
function redact(text, secrets = []) {
    let out = text;
    for (const s of secrets)
        if (s)
            out = out.split(s).join('***');
    return out;
}
/**
 * GIT_CONFIG_COUNT / GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n for `config`, after any entries the
 * environment already holds (a runner or a wrapper may pass its own settings the same way).
 */
function configEnvironment(config, env) {
    const entries = Object.entries(config);
    if (entries.length === 0)
        return {};
    const held = env['GIT_CONFIG_COUNT'] ?? '';
    const start = /^\d+$/.test(held) ? Number(held) : 0;
    const out = { GIT_CONFIG_COUNT: String(start + entries.length) };
    entries.forEach(([key, value], i) => {
        out[`GIT_CONFIG_KEY_${start + i}`] = key;
        out[`GIT_CONFIG_VALUE_${start + i}`] = value;
    });
    return out;
}
/**
 * Runs git and resolves with its output whatever the exit status (callers decide what a failure
 * means); rejects only when git cannot be started. Git runs in its own process group, so that a
 * timeout also ends the ssh or git-remote-https it started.
 */
async function runGitRaw(args, options) {
    const base = { ...options.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' };
    const r = await runProcess('git', args, {
        cwd: options.cwd,
        env: { ...base, ...configEnvironment(options.config ?? {}, base) },
        // a command that does not read stdin may close it early; that is not an error
        input: options.input ?? '',
        timeoutMs: options.timeoutMs,
        // what git leaves running may outlive it on purpose (a credential cache daemon, gc --auto)
        killLeftovers: false
    });
    if (r.error && r.code === null && r.signal === null && !r.timedOut) {
        const hint = r.error.code === 'ENOENT' ? ' (is git installed and on PATH?)' : '';
        throw new GitError(`git ${args[0]}: ${r.error.message}${hint}`, args, '', null);
    }
    return {
        raw: r.stdout,
        stdout: r.stdout.toString('utf8'),
        stderr: r.stderr,
        code: r.timedOut ? 124 : (r.code ?? 1),
        ...(r.timedOut ? { timedOut: true } : {})
    };
}
/** Runs git and throws a GitError naming the command (secrets hidden) when it exits non-zero. */
async function runGit(args, options) {
    const result = await runGitRaw(args, options);
    if (result.code !== 0) {
        const secrets = [
            ...(options.secrets ?? []),
            ...Object.values(options.config ?? {}).filter((v) => /authorization/i.test(v))
        ];
        const shown = redact(`git ${args.join(' ')}`, secrets);
        const detail = redact(result.stderr.trim() || result.stdout.trim(), secrets);
        throw new GitError(`${shown} failed (exit ${result.code}): ${detail}`, args, redact(result.stderr, secrets), result.code);
    }
    return result.stdout;
}
/** Git refuses names and emails with angle brackets or newlines; say so before writing anything. */
function validateIdentity(identity) {
    for (const [key, value] of Object.entries(identity)) {
        if (value.trim() === '' || /[<>\n]/.test(value)) {
            throw new UsageError(describeBadValue(`commit identity ${key}`, value, 'a non-empty value without "<", ">" or newlines'));
        }
    }
    return identity;
}
/** A file's text at a commit, or null when the commit has no such file. */
async function readFileAt(at, commit, file) {
    // --batch answers "<name> missing" instead of failing, so absence needs no error parsing.
    const { raw, stderr } = await runGitRaw(['cat-file', '--batch'], {
        cwd: at.cwd,
        env: at.env,
        input: `${commit}:${file}\n`
    });
    const eol = raw.indexOf(0x0a);
    const header = raw.subarray(0, eol < 0 ? raw.length : eol).toString('utf8');
    const m = /^[0-9a-f]+ blob (\d+)$/.exec(header);
    if (m)
        return raw.subarray(eol + 1, eol + 1 + Number(m[1])).toString('utf8');
    if (/ missing$/.test(header))
        return null;
    throw new GitError(`git cat-file could not read ${file} at ${commit}: ${header || stderr.trim()}`, ['cat-file'], stderr, null);
}
/**
 * Writes one commit into `repo` without a work tree or index, in one git process (fast-import),
 * and returns its sha. It moves only the private scratch ref refs/joulegate/pending.
 */
async function writeCommit(at, spec) {
    const marks = path.join(at.cwd, `joulegate-marks-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const data = (text) => {
        const bytes = Buffer.from(text, 'utf8');
        return [Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n')];
    };
    const { name, email } = spec.identity;
    const stream = [
        Buffer.from(`commit refs/joulegate/pending\nmark :1\ncommitter ${name} <${email}> ${Math.floor(Date.now() / 1000)} +0000\n`),
        ...data(spec.message),
        Buffer.from(spec.parent ? `from ${spec.parent}\n` : ''),
        ...Object.entries(spec.files).flatMap(([file, content]) => [
            Buffer.from(`M 100644 inline ${file}\n`),
            ...data(content)
        ]),
        Buffer.from('done\n')
    ];
    try {
        // --force concerns only the private scratch ref; pushes to a remote never force.
        await runGit(['fast-import', '--quiet', '--force', '--done', `--export-marks=${marks}`], {
            cwd: at.cwd,
            env: at.env,
            input: Buffer.concat(stream)
        });
        const mark = /^:1 ([0-9a-f]{40,64})$/m.exec(await readFile(marks, 'utf8'));
        if (!mark)
            throw new GitError('git fast-import did not report the new commit', ['fast-import'], '', null);
        return mark[1];
    }
    finally {
        await rm(marks, { force: true });
    }
}
const looksLikeUrlOrPath = (s) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /^[^/\\]+@[^/\\]+:/.test(s) || path.isAbsolute(s);
/** Hides credentials written into a URL (https://user:token@host/...) before it is shown. */
const hideUserinfo = (url) => url.replace(/\/\/[^/@]*@/, '//***@');
/**
 * The URL of `remote` (a remote name in the repository at `cwd`, or already a URL or path). A
 * relative path remote (../origin.git) is relative to the workspace, so it is made absolute.
 */
async function resolveRemoteUrl(at, remote) {
    const url = looksLikeUrlOrPath(remote)
        ? remote
        : (await runGit(['remote', 'get-url', remote], { cwd: at.cwd, env: at.env })).trim();
    return looksLikeUrlOrPath(url) ? url : path.resolve(at.cwd, url);
}
let installedVersion = null;
/**
 * Fails unless the installed git is at least 2.31, the first that reads settings from the
 * environment: an older git would ignore the credentials silently and fail with a confusing
 * "could not read Username" instead.
 */
async function requireEnvironmentConfig(env) {
    installedVersion ??= runGit(['version'], { cwd: process.cwd(), env }).then((v) => v.trim());
    const version = await installedVersion;
    const m = /(\d+)\.(\d+)/.exec(version);
    if (m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 31)))
        return;
    throw new GitError(`${version || 'git'} is too old: git 2.31 or newer is needed to pass the token without showing it in the process list`, ['version'], '', null);
}

export { runGit as a, resolveRemoteUrl as b, requireEnvironmentConfig as c, redact as d, readFileAt as e, hideUserinfo as h, runGitRaw as r, validateIdentity as v, writeCommit as w };
