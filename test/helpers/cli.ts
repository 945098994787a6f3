import { spawn } from "node:child_process";
import * as path from "node:path";

/** The bundled CLI, run as a user would: this also proves dist/ carries its grammars, queries and worker. */
export const CLI = path.resolve("dist/cli.js");

/** Runs the bundled CLI asynchronously (a test server answers in this process, so spawnSync would deadlock). */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("close", (status: number | null) => resolve({ status, stdout, stderr }));
  });
}
