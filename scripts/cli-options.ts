import { resolve } from 'node:path';
import { LocalSetupError } from '../local/errors';

/**
 * The command line shared by `npm run backup` and `npm run restore`: at most one file (resolved
 * against the working directory), the script's own flags, `--help`/`-h`; anything else is refused
 * with the usage line. The data directory comes from BACKOFFICE_DATA_DIR (local/paths.ts).
 */
export interface FileCommandLine<Flag extends string> {
  file: string | undefined;
  flags: Record<Flag, boolean>;
}

/** Parses `argv` (without node and script); undefined when help was asked for (the usage is printed). */
export function parseFileCommandLine<Flag extends string>(argv: readonly string[], flagNames: readonly Flag[], usage: string): FileCommandLine<Flag> | undefined {
  let file: string | undefined;
  const flags = Object.fromEntries(flagNames.map((name) => [name, false])) as Record<Flag, boolean>;
  for (const arg of argv) {
    const flag = flagNames.find((name) => arg === `--${name}`);
    if (flag !== undefined) flags[flag] = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(usage);
      return undefined;
    } else if (arg.startsWith('-')) throw new LocalSetupError(`Unknown option ${arg}. ${usage}`);
    else if (file === undefined) file = resolve(arg);
    else throw new LocalSetupError(`One file only. ${usage}`);
  }
  return { file, flags };
}

/** Runs a script's main; a LocalSetupError prints its message, anything else `<what> failed: …`; both exit 1. */
export function runCommand(what: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof LocalSetupError ? error.message : `${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}

/** A command line of `--name value` options (or `--name=value`) and flags, nothing positional. */
export interface OptionCommandLine<Option extends string, Flag extends string> {
  options: Partial<Record<Option, string>>;
  flags: Record<Flag, boolean>;
}

/** Parses `argv` (without node and script); undefined when help was asked for (the usage is printed). */
export function parseOptionCommandLine<Option extends string, Flag extends string = never>(
  argv: readonly string[],
  spec: { options: readonly Option[]; flags?: readonly Flag[] },
  usage: string,
): OptionCommandLine<Option, Flag> | undefined {
  const options: Partial<Record<Option, string>> = {};
  const flags = Object.fromEntries((spec.flags ?? []).map((name) => [name, false])) as Record<Flag, boolean>;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      console.log(usage);
      return undefined;
    }
    const [name, inline] = arg.startsWith('--') ? [arg.slice(2).split('=')[0]!, arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : undefined] : ['', undefined];
    const flag = (spec.flags ?? []).find((f) => f === name);
    const option = spec.options.find((o) => o === name);
    if (flag !== undefined && inline === undefined) flags[flag] = true;
    else if (option !== undefined) {
      const value = inline ?? argv[i + 1];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new LocalSetupError(`--${option} needs a value. ${usage}`);
      if (options[option] !== undefined) throw new LocalSetupError(`--${option} given twice. ${usage}`);
      options[option] = value;
      if (inline === undefined) i += 1;
    } else throw new LocalSetupError(`${arg.startsWith('-') ? 'Unknown option' : 'Unexpected argument'} ${arg}. ${usage}`);
  }
  return { options, flags };
}
