/** Flag parsing against each command's declared flags: `--name value`, `--name=value`, `--flag`, and positionals. */
export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

export interface FlagSpec {
  name: string;
  /** Placeholder of the value (`<dir>`); a flag without one is a switch. */
  value?: string;
  default?: string;
  description: string;
}

/** One command's help: what it does, how it is called, and every flag with its default. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** The positional part of the synopsis, e.g. `<dir>`. */
  positionals?: string;
  flags: FlagSpec[];
}

const HELP: FlagSpec = { name: "help", description: "Show this help." };

export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const known = new Map([...spec.flags, HELP].map((f) => [f.name, f]));
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--") || arg === "--") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const flag = known.get(name);
    if (!flag)
      throw new UsageError(`unknown flag --${name} for "threadline ${spec.name}" (see threadline ${spec.name} --help)`);
    if (!flag.value) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
    } else if (eq > 0) {
      flags.set(name, arg.slice(eq + 1));
    } else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value ${flag.value}`);
      flags.set(name, value);
      i++;
    }
  }
  return { positionals, flags };
}

export function synopsis(spec: CommandSpec): string {
  const flags = spec.flags.map((f) => `[--${f.name}${f.value ? ` ${f.value}` : ""}]`).join(" ");
  return `threadline ${spec.name}${spec.positionals ? ` ${spec.positionals}` : ""} ${flags}`;
}

export function helpText(spec: CommandSpec): string {
  const rows = [...spec.flags, HELP].map((f) => [`--${f.name}${f.value ? ` ${f.value}` : ""}`, f]);
  const width = Math.max(...rows.map(([left]) => (left as string).length));
  const lines = rows.map(([left, f]) => {
    const flag = f as FlagSpec;
    return `  ${(left as string).padEnd(width)}  ${flag.description}${flag.default !== undefined ? ` (default: ${flag.default})` : ""}`;
  });
  return `${spec.summary}\n\nusage: threadline ${spec.name}${spec.positionals ? ` ${spec.positionals}` : ""} [flags]\n\nflags:\n${lines.join("\n")}\n`;
}

export class UsageError extends Error {}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

export function intFlag(args: ParsedArgs, name: string, fallback: number): number {
  const v = stringFlag(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got "${v}"`);
  return n;
}
