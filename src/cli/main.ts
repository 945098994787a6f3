import { type CommandSpec, type ParsedArgs, UsageError, helpText, parseArgs } from "./args";
import { askSpec, runAsk } from "./ask-command";
import { calibrateSpec, runCalibrate } from "./calibrate-command";
import { contextSpec, runContext } from "./context-command";
import { indexSpec, runIndex } from "./index-command";
import { mcpSpec, runMcp } from "./mcp-command";
import { VERSION } from "./version";

const commands: [CommandSpec, (args: ParsedArgs) => Promise<number>][] = [
  [indexSpec, (a) => runIndex(a, process.stdout)],
  [contextSpec, (a) => runContext(a, process.stdout)],
  [askSpec, (a) => runAsk(a, process.stdout)],
  [calibrateSpec, (a) => runCalibrate(a, process.stdout)],
  [mcpSpec, (a) => runMcp(a)],
];

const usage = `Threadline ${VERSION}: answers questions about a codebase.

usage: threadline <command> [flags]

commands:
${commands.map(([s]) => `  ${s.name.padEnd(10)} ${s.summary.split(/(?<=\.)\s/)[0]}`).join("\n")}

Run threadline <command> --help for its flags; threadline --version prints the version.
`;

/** CLI composition root: the same core as the extension, with Node adapters. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "--version" || command === "-V" || command === "version") {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
      const spec = commands.find(([s]) => s.name === rest[0])?.[0];
      process.stdout.write(spec ? helpText(spec) : usage);
      return command === undefined ? 2 : 0;
    }
    const found = commands.find(([s]) => s.name === command);
    if (!found) throw new UsageError(`unknown command "${command}"\n\n${usage}`);
    const [spec, run] = found;
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(helpText(spec));
      return 0;
    }
    return await run(parseArgs(rest, spec));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`threadline: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`threadline: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
