import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { writeFixture } from "../helpers/fixture";

// The README's MCP snippets are what users paste: each is started here, as its client would start it.
const cli = path.resolve("dist/cli.js");
const section = (() => {
  const readme = fs.readFileSync("README.md", "utf8");
  const start = readme.indexOf("### Using Threadline from other agents");
  return readme.slice(start, readme.indexOf("\n### ", start + 1));
})();

interface Launch {
  client: string;
  command: string;
  args: string[];
}

function launches(repo: string): Launch[] {
  const fill = (s: string) =>
    s
      .replaceAll("/path/to/threadline", process.cwd())
      .replaceAll("${workspaceFolder}", repo)
      .replaceAll("/path/to/your/repo", repo);
  const out: Launch[] = [];
  for (const m of section.matchAll(/```json\n([\s\S]*?)```/g)) {
    const config = JSON.parse(m[1]!) as Record<string, Record<string, { command: string; args: string[] }>>;
    const [key, servers] = Object.entries(config)[0]!;
    const server = servers.threadline!;
    out.push({ client: key, command: server.command, args: server.args.map(fill) });
  }
  for (const m of section.matchAll(/```sh\nclaude mcp add threadline -- (.*)\n```/g)) {
    const [command, ...args] = m[1]!.split(" ");
    out.push({ client: "claude", command: command!, args: args.map((a) => fill(a === "." ? repo : a)) });
  }
  return out;
}

test(
  "each MCP configuration in the README starts the server and lists its tools",
  { skip: !fs.existsSync(cli) && "run `npm run build` first" },
  async () => {
    const fx = writeFixture("//- a.py\ndef f():\n    return 1\n");
    try {
      const all = launches(fx.root);
      assert.deepEqual(all.map((l) => l.client).sort(), ["claude", "mcpServers", "servers"]);
      for (const launch of all) {
        assert.equal(launch.command, "node", `${launch.client} runs node`);
        const transport = new StdioClientTransport({ command: process.execPath, args: launch.args, stderr: "ignore" });
        const client = new Client({ name: `readme-${launch.client}`, version: "1.0.0" });
        await client.connect(transport);
        try {
          const { tools } = await client.listTools();
          assert.equal(tools.length, 4, launch.client);
          // The server indexes in the background: the outline names a.py once the (tiny) build is done.
          let text = "";
          for (let i = 0; i < 100 && !text.includes("def f():"); i++) {
            const outline = await client.callTool({ name: "threadline_outline", arguments: {} });
            text = JSON.stringify(outline.content);
            if (!text.includes("def f():")) await new Promise((r) => setTimeout(r, 100));
          }
          assert.match(text, /Outline of the repository \(1 file\)/);
        } finally {
          await client.close();
        }
      }
    } finally {
      fx.cleanup();
    }
  },
);
