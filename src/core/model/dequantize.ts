/**
 * Converts stored tensor bytes to float32. GGML block formats (Q8_0, Q4_0)
 * follow ggml-quants.c: blocks of 32 values, each with one fp16 scale.
 */

export type TensorType = "F32" | "F16" | "BF16" | "Q8_0" | "Q4_0";

export const QK = 32;

/** Bytes one tensor of `count` values takes in this type. */
export function byteSize(type: TensorType, count: number): number {
  switch (type) {
    case "F32":
      return count * 4;
    case "F16":
    case "BF16":
      return count * 2;
    case "Q8_0":
      return (count / QK) * (2 + QK);
    case "Q4_0":
      return (count / QK) * (2 + QK / 2);
  }
}

export function dequantize(type: TensorType, bytes: Uint8Array, count: number): Float32Array {
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type) {
    case "F32":
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case "F16":
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      break;
    case "BF16":
      for (let i = 0; i < count; i++) out[i] = bf16ToFloat(view.getUint16(i * 2, true));
      break;
    case "Q8_0":
      for (let b = 0, off = 0; b < count / QK; b++, off += 2 + QK) {
        const d = halfToFloat(view.getUint16(off, true));
        for (let j = 0; j < QK; j++) out[b * QK + j] = view.getInt8(off + 2 + j) * d;
      }
      break;
    case "Q4_0":
      for (let b = 0, off = 0; b < count / QK; b++, off += 2 + QK / 2) {
        const d = halfToFloat(view.getUint16(off, true));
        for (let j = 0; j < QK / 2; j++) {
          const q = bytes[off + 2 + j]!;
          out[b * QK + j] = ((q & 0x0f) - 8) * d;
          out[b * QK + j + QK / 2] = ((q >> 4) - 8) * d;
        }
      }
      break;
  }
  return out;
}

const scratch = new DataView(new ArrayBuffer(4));

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

export function bf16ToFloat(b: number): number {
  scratch.setUint32(0, b << 16);
  return scratch.getFloat32(0);
}

/** Round-to-nearest-even float → half, for writers (the test-model generator) and tests. */
export function floatToHalf(f: number): number {
  scratch.setFloat32(0, f);
  const x = scratch.getUint32(0);
  const sign = (x >>> 16) & 0x8000;
  let exp = ((x >>> 23) & 0xff) - 127 + 15;
  let mant = x & 0x7fffff;
  if (((x >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  if (exp >= 31) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - exp;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (exp << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  exp = half >> 10;
  return sign | half;
}

/** Quantizes float32 values the way ggml's reference quantizers do (for the test-model generator). */
export function quantize(type: TensorType, values: Float32Array): Uint8Array {
  const out = new Uint8Array(byteSize(type, values.length));
  const view = new DataView(out.buffer);
  switch (type) {
    case "F32":
      values.forEach((v, i) => view.setFloat32(i * 4, v, true));
      break;
    case "F16":
      values.forEach((v, i) => view.setUint16(i * 2, floatToHalf(v), true));
      break;
    case "BF16":
      values.forEach((v, i) => {
        scratch.setFloat32(0, v);
        view.setUint16(i * 2, scratch.getUint32(0) >>> 16, true);
      });
      break;
    case "Q8_0":
      for (let b = 0, off = 0; b < values.length / QK; b++, off += 2 + QK) {
        let amax = 0;
        for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(values[b * QK + j]!));
        const d = amax / 127;
        const id = d ? 1 / d : 0;
        view.setUint16(off, floatToHalf(d), true);
        for (let j = 0; j < QK; j++) view.setInt8(off + 2 + j, Math.round(values[b * QK + j]! * id));
      }
      break;
    case "Q4_0":
      for (let b = 0, off = 0; b < values.length / QK; b++, off += 2 + QK / 2) {
        let amax = 0;
        let max = 0;
        for (let j = 0; j < QK; j++) {
          const v = values[b * QK + j]!;
          if (Math.abs(v) > amax) {
            amax = Math.abs(v);
            max = v;
          }
        }
        const d = max / -8;
        const id = d ? 1 / d : 0;
        view.setUint16(off, floatToHalf(d), true);
        for (let j = 0; j < QK / 2; j++) {
          const lo = Math.min(15, Math.trunc(values[b * QK + j]! * id + 8.5));
          const hi = Math.min(15, Math.trunc(values[b * QK + j + QK / 2]! * id + 8.5));
          out[off + 2 + j] = lo | (hi << 4);
        }
      }
      break;
  }
  return out;
}
