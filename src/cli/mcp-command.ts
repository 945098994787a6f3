import * as fs from "node:fs";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { LiveWorkspace } from "../core/mcp/live-workspace";
import { DEFAULT_INDEX_WAIT_MS, createMcpServer } from "../core/mcp/server";
import { type ParsedArgs, UsageError, intFlag, stringFlag } from "./args";

export const mcpUsage = "threadline mcp --repo <dir> [--cache <dir>] [--index-wait <ms, default 3000>]";

declare const THREADLINE_VERSION: string | undefined;
const version = typeof THREADLINE_VERSION === "string" ? THREADLINE_VERSION : "0.0.0-dev";

/**
 * `threadline mcp`: an MCP server over stdio for one repository. stdout is the
 * protocol channel, so everything else (progress, updates) goes to stderr.
 * It runs until the client closes stdin.
 */
export async function runMcp(args: ParsedArgs): Promise<number> {
  const repo = stringFlag(args, "repo") ?? args.positionals[0];
  if (!repo) throw new UsageError(`--repo is required\nusage: ${mcpUsage}`);
  if (!fs.existsSync(repo) || !fs.statSync(repo).isDirectory()) throw new UsageError(`not a directory: ${repo}`);
  const log = (message: string) => process.stderr.write(`threadline mcp: ${message}\n`);
  const indexWaitMs = intFlag(args, "index-wait", DEFAULT_INDEX_WAIT_MS);
  const workspace = new LiveWorkspace(repo, { cacheDir: stringFlag(args, "cache"), watch: true, log });
  workspace.ready.catch((e: unknown) => log(`indexing failed: ${String(e)}`));
  const server = createMcpServer(workspace, version, { indexWaitMs, built: workspace.ready });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.on("end", resolve);
  });
  await server.connect(transport);
  log(`serving ${repo} over stdio`);
  await closed;
  await server.close().catch(() => undefined);
  await workspace.dispose();
  return 0;
}
