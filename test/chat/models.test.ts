import assert from "node:assert/strict";
import { test } from "node:test";
import { listModels } from "../../src/core/chat/models";
import { MODELS, startTestServer } from "../helpers/openai-server";

test("the model picker's list comes from GET /models, sorted; failures are classified, never thrown", async () => {
  const server = await startTestServer();
  try {
    const listed = await listModels({ baseUrl: server.baseUrl, timeoutMs: 5000 });
    assert.deepEqual(listed, { ok: true, value: [...MODELS].sort((a, b) => a.localeCompare(b)) });
    const denied = await listModels({ baseUrl: server.baseUrl, apiKey: "sk-bad", timeoutMs: 5000 });
    assert.equal(denied.ok, false);
    if (!denied.ok) {
      assert.equal(denied.error.code, "unauthorized");
      assert.ok(!denied.error.message.includes("sk-bad"), "the key never appears in a message");
    }
  } finally {
    await server.close();
  }
  const unreachable = await listModels({ baseUrl: "http://127.0.0.1:9/v1", timeoutMs: 2000 });
  assert.equal(unreachable.ok, false);
  if (!unreachable.ok) assert.equal(unreachable.error.code, "network");
});
