/**
 * The @vscode/test-electron suite, for machines that can download VS Code.
 * Where the download fails (these machines reach only package registries),
 * it says so and is skipped; the code-server suite covers the same ground here.
 */
import * as path from "node:path";
import { downloadAndUnzipVSCode, runTests } from "@vscode/test-electron";
import { buildSync } from "esbuild";

async function main(): Promise<number> {
  let executable: string;
  try {
    executable = await downloadAndUnzipVSCode({ version: "stable", timeout: 15_000 });
  } catch (e) {
    console.log(
      `electron suite: skipped: cannot download VS Code here (${e instanceof Error ? e.message : String(e)})`,
    );
    return 0;
  }
  buildSync({
    entryPoints: ["test/electron/suite.ts"],
    bundle: true,
    platform: "node",
    format: "cjs",
    external: ["vscode"],
    outfile: "dist/test/electron-suite.js",
  });
  await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: path.resolve("."),
    extensionTestsPath: path.resolve("dist/test/electron-suite.js"),
    launchArgs: ["--disable-extensions", path.resolve("test/electron/fixture")],
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
