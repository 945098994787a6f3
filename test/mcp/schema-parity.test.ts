import assert from "node:assert/strict";
import * as fs from "node:fs";
import { test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { ContextEngine } from "../../src/core/context/context-engine";
import { createMcpServer } from "../../src/core/mcp/server";

interface JsonSchema {
  properties?: Record<string, { type?: string; enum?: string[]; items?: { type?: string } }>;
  required?: string[];
}

// VS Code's tools are declared in package.json, the MCP server's in zod: the same tools must take the same input.
test("package.json's languageModelTools take exactly the MCP tools' arguments", async () => {
  const server = createMcpServer({ engine: {} as ContextEngine, progress: () => undefined }, "test");
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "parity", version: "1.0.0" });
  await client.connect(clientSide);
  try {
    const mcp = new Map((await client.listTools()).tools.map((t) => [t.name, t.inputSchema as JsonSchema]));
    const manifest = JSON.parse(fs.readFileSync("package.json", "utf8"));
    const tools = manifest.contributes.languageModelTools as { name: string; inputSchema: JsonSchema }[];
    assert.equal(tools.length, 2);
    for (const tool of tools) {
      const theirs = mcp.get(tool.name);
      assert.ok(theirs, `${tool.name} is an MCP tool too`);
      const shape = (s: JsonSchema) =>
        Object.fromEntries(
          Object.entries(s.properties ?? {}).map(([k, v]) => [
            k,
            { type: v.type === "number" ? "integer" : v.type, enum: v.enum, items: v.items?.type },
          ]),
        );
      assert.deepEqual(shape(tool.inputSchema), shape(theirs), tool.name);
      assert.deepEqual(tool.inputSchema.required ?? [], theirs.required ?? [], tool.name);
    }
  } finally {
    await client.close();
    await server.close();
  }
});
