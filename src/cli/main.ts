import { parseArgs, UsageError } from "./args";
import { askUsage, runAsk } from "./ask-command";
import { calibrateUsage, runCalibrate } from "./calibrate-command";
import { contextUsage, runContext } from "./context-command";
import { indexUsage, runIndex } from "./index-command";
import { mcpUsage, runMcp } from "./mcp-command";

const usage = `Threadline: answers questions about a codebase.

usage:
  ${indexUsage}
  ${contextUsage}
  ${askUsage}
  ${calibrateUsage}
  ${mcpUsage}
`;

const booleanFlags = new Set(["json", "help"]);

/** CLI composition root: the same core as the extension, with Node adapters. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const args = parseArgs(rest, booleanFlags);
    switch (command) {
      case "index":
        return await runIndex(args, process.stdout);
      case "context":
        return await runContext(args, process.stdout);
      case "ask":
        return await runAsk(args, process.stdout);
      case "calibrate":
        return await runCalibrate(args, process.stdout);
      case "mcp":
        return await runMcp(args);
      case undefined:
      case "help":
      case "--help":
        process.stdout.write(usage);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"\n\n${usage}`);
    }
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
