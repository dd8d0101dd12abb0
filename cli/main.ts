/**
 * The `peer-energy-trader` command line: one file per sub-command in `cli/commands/`, each exporting
 * `run(argv): Promise<number>` (the process exit code) and a one-line `summary`.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface Command {
  /** One line shown by `peer-energy-trader help`. */
  summary: string;
  /** Runs the command with the arguments after its name; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

const commandsDir = fileURLToPath(new URL('./commands/', import.meta.url));
const commandNamePattern = /^[a-z][a-z-]*$/;

async function listCommandNames(): Promise<string[]> {
  const files = await readdir(commandsDir);
  return files
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();
}

async function loadCommand(name: string): Promise<Command> {
  return (await import(new URL(`./commands/${name}.ts`, import.meta.url).href)) as Command;
}

async function printHelp(): Promise<void> {
  const lines = ['usage: peer-energy-trader <command> [options]', '', 'commands:'];
  for (const name of await listCommandNames()) {
    const command = await loadCommand(name);
    lines.push(`  ${name.padEnd(10)} ${command.summary}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

/** Dispatches to the named sub-command; unknown names print the list and exit 2. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    await printHelp();
    return name === undefined ? 2 : 0;
  }
  const names = await listCommandNames();
  if (!commandNamePattern.test(name) || !names.includes(name)) {
    process.stderr.write(`peer-energy-trader: unknown command "${name}" (expected one of: ${names.join(', ')})\n`);
    return 2;
  }
  return (await loadCommand(name)).run(rest);
}
