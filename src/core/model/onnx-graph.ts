import { onnx } from "onnx-proto";
import type { ModelConfig } from "./config";
import { layerTensor, type LayerPart, type WeightSource } from "./weights";

/**
 * Which attention to read out of the model: for each tapped layer, the heads
 * whose softmaxed attention from the chosen rows (the question's last
 * positions) to every position is returned as `attn_<layer>`, shape
 * `[heads, rows, T]`. Only layers up to the deepest tap are built, and that
 * layer stops after its attention scores: no values, output projection or MLP.
 */
export interface GraphSpec {
  taps: ReadonlyMap<number, readonly number[]>;
}

export const GRAPH_INPUTS = ["hidden", "cos", "sin", "mask", "rows"] as const;
export const tapOutput = (layer: number) => `attn_${layer}`;

const { AttributeType } = onnx.AttributeProto;
const { DataType } = onnx.TensorProto;
type Attr = number | number[];

/** A tiny ONNX graph writer: every op returns the name of its (single) output. */
class Graph {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private next = 0;

  op(type: string, inputs: string[], attrs: Record<string, Attr> = {}, floats: Record<string, number> = {}): string {
    const output = `${type.toLowerCase()}_${this.next++}`;
    const attribute: onnx.IAttributeProto[] = [
      ...Object.entries(attrs).map(([name, v]) =>
        Array.isArray(v) ? { name, type: AttributeType.INTS, ints: v } : { name, type: AttributeType.INT, i: v },
      ),
      ...Object.entries(floats).map(([name, f]) => ({ name, type: AttributeType.FLOAT, f })),
    ];
    this.nodes.push({ opType: type, input: inputs, output: [output], attribute, name: output });
    return output;
  }

  floats(name: string, dims: number[], data: Float32Array): string {
    this.initializers.push({
      name,
      dims,
      dataType: DataType.FLOAT,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  ints(values: number[]): string {
    const name = `const_${this.next++}`;
    const data = BigInt64Array.from(values.map(BigInt));
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: DataType.INT64,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }

  scalar(value: number): string {
    return this.floats(`const_${this.next++}`, [], Float32Array.of(value));
  }
}

/**
 * Builds the ONNX model (opset 17, standard ops only) for the first layers of
 * a Llama-family decoder. Inputs: `hidden` [T, hidden] (the token embeddings,
 * gathered outside the graph so the embedding matrix never enters it), `cos`
 * and `sin` [T, headDim] (RoPE tables), `mask` [T, T] (0 or a large negative:
 * causal), `rows` int64 [R] (positions whose attention is read).
 */
export function buildGraph(source: WeightSource, spec: GraphSpec): Uint8Array {
  const c = source.config;
  const g = new Graph();
  const depth = Math.max(...spec.taps.keys()) + 1;
  const weight = (layer: number, part: LayerPart) => source.read(layerTensor(layer, part));
  const dh = c.headDim;
  const rotate = g.floats("rotate_half", [dh, dh], rotateHalfMatrix(dh));
  // 1/sqrt(dh) is folded into the query weights (RoPE is linear), saving a pass over [heads, T, T].
  const scale = 1 / Math.sqrt(dh);
  const scaled = (w: Float32Array | undefined) => w && w.map((v) => v * scale);
  const eps = g.scalar(c.rmsEps);
  const two = g.scalar(2);
  const headsToKv = (heads: readonly number[]) => g.ints(heads.map((h) => Math.floor(h / (c.heads / c.kvHeads))));

  const rmsNorm = (x: string, w: Float32Array, name: string) => {
    // Pow/ReduceMean/Add/Sqrt/Div/Mul is the pattern onnxruntime fuses into one SimplifiedLayerNormalization.
    const meanSquare = g.op("ReduceMean", [g.op("Pow", [x, two])], { axes: [-1], keepdims: 1 });
    const normed = g.op("Div", [x, g.op("Sqrt", [g.op("Add", [meanSquare, eps])])]);
    return g.op("Mul", [normed, g.floats(name, [c.hidden], w)]);
  };
  const linear = (x: string, w: Float32Array, outDim: number, inDim: number, name: string, bias?: Float32Array) => {
    // MatMul with a constant [in, out] matrix: onnxruntime pre-packs it (Gemm with transB ran ~2× slower).
    const y = g.op("MatMul", [x, g.floats(name, [inDim, outDim], transpose(w, outDim, inDim))]);
    return bias ? g.op("Add", [y, g.floats(`${name}_bias`, [outDim], bias)]) : y;
  };
  /** [T, n*dh] → [n, T, dh] */
  const toHeads = (x: string, n: number) =>
    g.op("Transpose", [g.op("Reshape", [x, g.ints([0, n, dh])])], { perm: [1, 0, 2] });
  const rope = (x: string, cos: string, sin: string) =>
    g.op("Add", [g.op("Mul", [x, cos]), g.op("Mul", [g.op("MatMul", [x, rotate]), sin])]);
  const bias = (layer: number, part: LayerPart) =>
    source.has(layerTensor(layer, part)) ? weight(layer, part) : undefined;

  let x = "hidden";
  for (let layer = 0; layer < depth; layer++) {
    const p = `l${layer}`;
    const n1 = rmsNorm(x, weight(layer, "attn_norm"), `${p}_attn_norm`);
    const kvDim = c.kvHeads * dh;
    const k = rope(
      toHeads(linear(n1, weight(layer, "k"), kvDim, c.hidden, `${p}_k`, bias(layer, "k_bias")), c.kvHeads),
      "cos",
      "sin",
    );
    const tapped = spec.taps.get(layer);
    if (layer === depth - 1) {
      // The deepest tap: queries only at the read rows, keys only for the heads read.
      const heads = tapped!;
      const qRows = scaled(rowsOf(weight(layer, "q"), heads, dh, c.hidden))!;
      const qBias = scaled(bias(layer, "q_bias"));
      const n1Rows = g.op("Gather", [n1, "rows"], { axis: 0 });
      const q = linear(n1Rows, qRows, heads.length * dh, c.hidden, `${p}_q_taps`, qBias && rowsOf(qBias, heads, dh, 1));
      const cosRows = g.op("Gather", ["cos", "rows"], { axis: 0 });
      const sinRows = g.op("Gather", ["sin", "rows"], { axis: 0 });
      const qh = rope(toHeads(q, heads.length), cosRows, sinRows);
      const kh = g.op("Gather", [k, headsToKv(heads)], { axis: 0 });
      const maskRows = g.op("Gather", ["mask", "rows"], { axis: 0 });
      const scores = g.op("Add", [g.op("MatMul", [qh, g.op("Transpose", [kh], { perm: [0, 2, 1] })]), maskRows]);
      g.nodes.push({
        opType: "Softmax",
        input: [scores],
        output: [tapOutput(layer)],
        attribute: [{ name: "axis", type: AttributeType.INT, i: -1 }],
      });
      break;
    }
    const all = Array.from({ length: c.heads }, (_, h) => h);
    const q = rope(
      toHeads(
        linear(n1, scaled(weight(layer, "q"))!, c.heads * dh, c.hidden, `${p}_q`, scaled(bias(layer, "q_bias"))),
        c.heads,
      ),
      "cos",
      "sin",
    );
    const v = toHeads(linear(n1, weight(layer, "v"), kvDim, c.hidden, `${p}_v`, bias(layer, "v_bias")), c.kvHeads);
    // Grouped-query attention: head h reads key/value head h / (heads / kvHeads).
    const kvIndex = headsToKv(all);
    const kAll = g.op("Gather", [k, kvIndex], { axis: 0 });
    const vAll = g.op("Gather", [v, kvIndex], { axis: 0 });
    const scores = g.op("Add", [g.op("MatMul", [q, g.op("Transpose", [kAll], { perm: [0, 2, 1] })]), "mask"]);
    const probs = g.op("Softmax", [scores], { axis: -1 });
    if (tapped) {
      const rowsAttn = g.op("Gather", [probs, "rows"], { axis: 1 });
      g.nodes.push({
        opType: "Gather",
        input: [rowsAttn, g.ints([...tapped])],
        output: [tapOutput(layer)],
        attribute: [{ name: "axis", type: AttributeType.INT, i: 0 }],
      });
    }
    const context = g.op("Reshape", [
      g.op("Transpose", [g.op("MatMul", [probs, vAll])], { perm: [1, 0, 2] }),
      g.ints([0, -1]),
    ]);
    x = g.op("Add", [x, linear(context, weight(layer, "o"), c.hidden, c.heads * dh, `${p}_o`)]);
    const n2 = rmsNorm(x, weight(layer, "ffn_norm"), `${p}_ffn_norm`);
    const gate = linear(n2, weight(layer, "gate"), c.intermediate, c.hidden, `${p}_gate`);
    const up = linear(n2, weight(layer, "up"), c.intermediate, c.hidden, `${p}_up`);
    const act = g.op("Mul", [g.op("Mul", [gate, g.op("Sigmoid", [gate])]), up]);
    x = g.op("Add", [x, linear(act, weight(layer, "down"), c.hidden, c.intermediate, `${p}_down`)]);
  }

  const input = (name: string, type: number, dims: (string | number)[]): onnx.IValueInfoProto => ({
    name,
    type: {
      tensorType: {
        elemType: type,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: "threadline",
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: "evaluator_heads",
      node: g.nodes,
      initializer: g.initializers,
      input: [
        input("hidden", DataType.FLOAT, ["T", c.hidden]),
        input("cos", DataType.FLOAT, ["T", dh]),
        input("sin", DataType.FLOAT, ["T", dh]),
        input("mask", DataType.FLOAT, ["T", "T"]),
        input("rows", DataType.INT64, ["R"]),
      ],
      output: [...spec.taps].map(([layer, heads]) => input(tapOutput(layer), DataType.FLOAT, [heads.length, "R", "T"])),
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c]!;
  return out;
}

/** The rows of `w` ([heads*dh, cols]) that belong to the given heads, in that order. */
function rowsOf(w: Float32Array, heads: readonly number[], dh: number, cols: number): Float32Array {
  const out = new Float32Array(heads.length * dh * cols);
  heads.forEach((h, i) => out.set(w.subarray(h * dh * cols, (h + 1) * dh * cols), i * dh * cols));
  return out;
}

/** R with x·R = rotate_half(x) = [-x2, x1], Hugging Face's RoPE convention. */
function rotateHalfMatrix(dh: number): Float32Array {
  const half = dh / 2;
  const m = new Float32Array(dh * dh);
  for (let i = 0; i < half; i++) {
    m[(i + half) * dh + i] = -1; // out[i] = -x[i + half]
    m[i * dh + i + half] = 1; // out[i + half] = x[i]
  }
  return m;
}

/** RoPE tables for positions 0..T-1: cos/sin of position × θ^(-2i/dh), repeated over both halves. */
export function ropeTables(config: ModelConfig, length: number): { cos: Float32Array; sin: Float32Array } {
  const dh = config.headDim;
  const half = dh / 2;
  const cos = new Float32Array(length * dh);
  const sin = new Float32Array(length * dh);
  for (let t = 0; t < length; t++)
    for (let i = 0; i < half; i++) {
      const angle = t * Math.pow(config.ropeTheta, (-2 * i) / dh);
      cos[t * dh + i] = cos[t * dh + i + half] = Math.cos(angle);
      sin[t * dh + i] = sin[t * dh + i + half] = Math.sin(angle);
    }
  return { cos, sin };
}

export function causalMask(length: number): Float32Array {
  const mask = new Float32Array(length * length);
  for (let i = 0; i < length; i++) mask.fill(-1e9, i * length + i + 1, (i + 1) * length);
  return mask;
}
