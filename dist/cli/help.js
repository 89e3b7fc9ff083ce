import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { H as HELP_FLAG } from './flags.js';

// Help drawn from the command table: the top level lists each command with one line, a
// command's help lists its flags from its flag table, so neither can fall behind the parser.
const pad = (text, width) => text + ' '.repeat(Math.max(1, width - text.length));
function formatTopHelp(commands, version) {
    const shown = commands.filter((c) => !c.internal);
    const width = Math.max(...shown.map((c) => c.name.length)) + 3;
    return [
        `joulegate ${version}: measure the energy of a training run, normalise it across GPUs, compare`,
        "it with the base's and judge it against a budget.",
        '',
        'usage: joulegate <command> [options]',
        '',
        'commands:',
        ...shown.map((c) => `  ${pad(c.name, width)}${c.summary}`),
        '',
        'Run "joulegate help <command>" (or "joulegate <command> --help") for its options.',
        'Measured commands follow "--": joulegate measure -- python train.py --epochs 2',
        '"joulegate --version" prints the version.'
    ].join('\n');
}
function flagLabel(f) {
    const name = f.name === 'help' ? '-h, --help' : `--${f.name}`;
    return f.type === 'string' ? `${name} ${f.value ?? 'VALUE'}${f.multiple ? ' ...' : ''}` : name;
}
function formatCommandHelp(command) {
    const flags = [...command.flags.filter((f) => !f.hidden), HELP_FLAG];
    const width = Math.min(28, Math.max(...flags.map((f) => flagLabel(f).length)) + 3);
    const lines = flags.flatMap((f) => {
        const label = flagLabel(f);
        const [first = '', ...more] = f.help.split('\n');
        const head = label.length + 3 > width
            ? [`  ${label}`, `  ${' '.repeat(width)}${first}`]
            : [`  ${pad(label, width)}${first}`];
        return [...head, ...more.map((m) => `  ${' '.repeat(width)}${m}`)];
    });
    return [
        `usage: ${command.usage}`,
        '',
        ...(command.description ? [command.description, ''] : []),
        'options:',
        ...lines,
        ...(command.notes ? ['', command.notes] : [])
    ].join('\n');
}

export { formatCommandHelp as a, formatTopHelp as f };
