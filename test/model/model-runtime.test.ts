import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  byteSize,
  dequantize,
  floatToHalf,
  halfToFloat,
  quantize,
  type TensorType,
} from "../../src/core/model/dequantize";
import { allHeads, LocalModel } from "../../src/core/model/local-model";
import { makeTestModel, writeGguf, writeSafetensors } from "../helpers/test-model";
import { referenceAttention } from "./reference";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-model-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("dequantization", () => {
  test("fp16 round-trips representable values and rounds to nearest", () => {
    for (const v of [0, 1, -2.5, 65504, 6.103515625e-5, 5.960464477539063e-8])
      assert.equal(halfToFloat(floatToHalf(v)), v);
    assert.equal(halfToFloat(floatToHalf(1 + 1 / 4096)), 1);
    assert.equal(halfToFloat(floatToHalf(1e6)), Infinity);
  });

  test("Q8_0 and Q4_0 blocks decode as ggml defines them", () => {
    // Q8_0: d = 0.5, q = [-3, 2, ...]: value = q * d.
    const q8 = new Uint8Array(byteSize("Q8_0", 32));
    new DataView(q8.buffer).setUint16(0, floatToHalf(0.5), true);
    new DataView(q8.buffer).setInt8(2, -3);
    new DataView(q8.buffer).setInt8(3, 2);
    const v8 = dequantize("Q8_0", q8, 32);
    assert.deepEqual([v8[0], v8[1], v8[2]], [-1.5, 1, 0]);
    // Q4_0: low nibbles are values 0..15, high nibbles 16..31, each (n - 8) * d.
    const q4 = new Uint8Array(byteSize("Q4_0", 32));
    new DataView(q4.buffer).setUint16(0, floatToHalf(2), true);
    q4[2] = 0x9f; // low 15 → (15-8)*2 = 14, high 9 → (9-8)*2 = 2
    const v4 = dequantize("Q4_0", q4, 32);
    assert.equal(v4[0], 14);
    assert.equal(v4[16], 2);
    assert.equal(v4[1], -16);
  });

  test("quantize then dequantize stays within each type's error bound", () => {
    const values = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i * 0.37) * 3);
    const bound: Record<TensorType, number> = { F32: 0, F16: 2e-3, BF16: 2e-2, Q8_0: 3 / 127, Q4_0: 3 / 7 };
    for (const type of Object.keys(bound) as TensorType[]) {
      const back = dequantize(type, quantize(type, values), values.length);
      const err = Math.max(...values.map((v, i) => Math.abs(v - back[i]!)));
      assert.ok(err <= bound[type], `${type}: max error ${err} > ${bound[type]}`);
    }
  });
});

describe("ONNX graph equals the TypeScript reference forward pass", () => {
  const cases: { name: string; write: (m: ReturnType<typeof makeTestModel>) => string }[] = [
    { name: "GGUF F32", write: (m) => (writeGguf(path.join(dir, "f32.gguf"), m, "F32"), path.join(dir, "f32.gguf")) },
    { name: "GGUF F16", write: (m) => (writeGguf(path.join(dir, "f16.gguf"), m, "F16"), path.join(dir, "f16.gguf")) },
    { name: "GGUF Q8_0", write: (m) => (writeGguf(path.join(dir, "q8.gguf"), m, "Q8_0"), path.join(dir, "q8.gguf")) },
    { name: "GGUF Q4_0", write: (m) => (writeGguf(path.join(dir, "q4.gguf"), m, "Q4_0"), path.join(dir, "q4.gguf")) },
    {
      name: "safetensors F32",
      write: (m) => (writeSafetensors(path.join(dir, "hf32"), m, "F32"), path.join(dir, "hf32")),
    },
    {
      name: "safetensors BF16",
      write: (m) => (writeSafetensors(path.join(dir, "hfbf"), m, "BF16"), path.join(dir, "hfbf")),
    },
  ];
  const llama = makeTestModel({ layers: 3, hidden: 128, heads: 4, kvHeads: 2, seed: 11 });
  const qwen = makeTestModel({ architecture: "qwen2", layers: 3, hidden: 128, heads: 4, kvHeads: 1, seed: 12 });

  for (const [arch, model] of [
    ["llama", llama],
    ["qwen2 (biases, 4:1 GQA)", qwen],
  ] as const)
    for (const c of cases)
      test(`${arch}, ${c.name}: every head of every layer within 1e-4`, async () => {
        const file = c.write(model);
        const m = await LocalModel.open(file);
        try {
          const ids = [...m.tokenizer.text("def lookup(self, key):\n    return self.table[key]  # lookup the key")];
          const T = ids.length;
          const rows = [T - 4, T - 2, T - 1];
          const want = referenceAttention(m.source, ids, 3);
          const got = await m.attention(ids, rows, allHeads(3, 4));
          let maxErr = 0;
          for (let l = 0; l < 3; l++)
            for (let h = 0; h < 4; h++)
              rows.forEach((row, r) => {
                for (let t = 0; t < T; t++)
                  maxErr = Math.max(
                    maxErr,
                    Math.abs(got.get(l)![(h * rows.length + r) * T + t]! - want[l]![h]![row * T + t]!),
                  );
              });
          assert.ok(maxErr < 1e-4, `max |onnx - reference| = ${maxErr}`);
          // The scoring graph (the deepest layer computes only the chosen heads at the chosen rows) agrees too.
          const taps = await m.attention(ids, rows, { taps: new Map([[2, [3, 1]]]) });
          [3, 1].forEach((h, i) =>
            rows.forEach((row, r) => {
              for (let t = 0; t < T; t++)
                assert.ok(Math.abs(taps.get(2)![(i * rows.length + r) * T + t]! - want[2]![h]![row * T + t]!) < 1e-4);
            }),
          );
        } finally {
          await m.dispose();
        }
      });

  test("GGUF and safetensors of the same weights give the same attention (Llama Q/K permutation undone)", async () => {
    const a = await LocalModel.open(path.join(dir, "f32.gguf"));
    const b = await LocalModel.open(path.join(dir, "hf32"));
    try {
      const ids = [...a.tokenizer.text("return value of the parse function")];
      assert.deepEqual(ids, [...b.tokenizer.text("return value of the parse function")]);
      const x = (await a.attention(ids, [ids.length - 1], allHeads(2, 4))).get(1)!;
      const y = (await b.attention(ids, [ids.length - 1], allHeads(2, 4))).get(1)!;
      assert.ok(Math.max(...x.map((v, i) => Math.abs(v - y[i]!))) < 1e-5);
    } finally {
      await a.dispose();
      await b.dispose();
    }
  });
});

describe("bad model files: clear errors", () => {
  let good: string;
  before(() => {
    good = path.join(dir, "good.gguf");
    writeGguf(good, makeTestModel({ layers: 2, hidden: 64, heads: 2, kvHeads: 1 }), "Q8_0");
  });

  test("a truncated GGUF file", async () => {
    const file = path.join(dir, "truncated.gguf");
    fs.writeFileSync(file, fs.readFileSync(good).subarray(0, fs.statSync(good).size - 1000));
    await assert.rejects(LocalModel.open(file), /truncated/);
  });

  test("a file that is not GGUF", async () => {
    const file = path.join(dir, "noise.gguf");
    fs.writeFileSync(file, Buffer.from("this is not a model at all, just some text that goes on"));
    await assert.rejects(LocalModel.open(file), /not a readable GGUF file/);
  });

  test("a missing path", async () => {
    await assert.rejects(LocalModel.open(path.join(dir, "nope.gguf")), /does not exist/);
  });

  test("an unsupported architecture", async () => {
    const folder = path.join(dir, "gpt2");
    writeSafetensors(folder, makeTestModel({ layers: 1, hidden: 64, heads: 2, kvHeads: 1 }));
    const config = JSON.parse(fs.readFileSync(path.join(folder, "config.json"), "utf8"));
    fs.writeFileSync(path.join(folder, "config.json"), JSON.stringify({ ...config, model_type: "gpt2" }));
    await assert.rejects(LocalModel.open(folder), /unsupported architecture "gpt2"/);
  });

  test("a tokenizer with more tokens than the model's embedding", async () => {
    const folder = path.join(dir, "mismatch");
    writeSafetensors(folder, makeTestModel({ layers: 1, hidden: 64, heads: 2, kvHeads: 1 }));
    const config = JSON.parse(fs.readFileSync(path.join(folder, "config.json"), "utf8"));
    fs.writeFileSync(path.join(folder, "config.json"), JSON.stringify({ ...config, vocab_size: 100 }));
    await assert.rejects(LocalModel.open(folder), /tokenizer mismatch/);
  });

  test("a corrupt safetensors header", async () => {
    const folder = path.join(dir, "corrupt-st");
    writeSafetensors(folder, makeTestModel({ layers: 1, hidden: 64, heads: 2, kvHeads: 1 }));
    const file = path.join(folder, "model.safetensors");
    const bytes = fs.readFileSync(file);
    bytes.write("garbage!", 8);
    fs.writeFileSync(file, bytes);
    await assert.rejects(LocalModel.open(folder), /corrupt safetensors header/);
  });
});
