// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a
// JSON header `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {..} }`
// padded with spaces to a multiple of 8 bytes, then the little-endian tensor bytes. We write
// exactly what the reference writer does: tensors sorted by dtype (descending, in its enum
// order) then by name, packed without gaps, compact JSON with `__metadata__` first.
import { ArgumentError, type DType, DTypeError, ShapeError, Tensor, tensor } from '@torchlet/core';
import { setEntry, type StateDict, type StateDictInput } from './state-dict.js';

/** A safetensors dtype name. */
export type SafetensorsDType = 'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'F16' | 'BF16' | 'I32' | 'U32' | 'F32' | 'F64' | 'I64' | 'U64';

/** One entry of a safetensors header. */
export interface SafetensorsEntry {
  /** The tensor's name (a state-dict key). */
  name: string;
  /** Element type as the file stores it. */
  dtype: SafetensorsDType;
  /** Size of each dimension. */
  shape: number[];
  /** Byte range in the data section: `[begin, end)`. */
  dataOffsets: [number, number];
}

/** A parsed safetensors header. */
export interface SafetensorsHeader {
  /** The tensors, in the order the header lists them. */
  tensors: SafetensorsEntry[];
  /** The `__metadata__` string map, or null when the file has none. */
  metadata: Record<string, string> | null;
  /** Where the data section starts in the file (8 + header length). */
  dataStart: number;
}

const WRITE_DTYPE: Record<DType, SafetensorsDType> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };
// The Rust crate's Dtype enum order; files sort tensors by it, largest first.
const DTYPE_ORDER: SafetensorsDType[] = ['BOOL', 'U8', 'I8', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64'];
const ITEM_BYTES: Record<SafetensorsDType, number> = { BOOL: 1, U8: 1, I8: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8 };
/** The reference implementation refuses headers above 100 MB. */
const MAX_HEADER = 100_000_000;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function entriesOf(tensors: StateDictInput): [string, Tensor][] {
  if (typeof tensors !== 'object' || tensors === null) throw new ArgumentError('saveSafetensors(): expected a state dict (plain object or Map of name → Tensor)');
  const list: [string, unknown][] = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  for (const [name, t] of list) {
    if (!(t instanceof Tensor)) throw new ArgumentError(`saveSafetensors(): entry '${name}' is not a Tensor`);
  }
  return list as [string, Tensor][];
}

/** Code-point order, like Rust's and Python's string comparison (UTF-16 order differs above U+FFFF). */
function compareNames(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** The raw little-endian bytes of a tensor's values in row-major order. */
function tensorBytes(t: Tensor): Uint8Array {
  const c = t.contiguous();
  const n = c.numel();
  const view = c._data.subarray(c._offset, c._offset + n);
  const bytes = new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
  if (!LITTLE_ENDIAN && view.BYTES_PER_ELEMENT > 1) swapBytes(bytes, view.BYTES_PER_ELEMENT);
  return bytes;
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}

/**
 * Serialises tensors (a state dict) in the safetensors format. Keys are written as given
 * (use PyTorch's names, e.g. from `stateDict()`); float32, float64, int32 and bool tensors map
 * to F32, F64, I32 and BOOL. `metadata` becomes the `__metadata__` string map.
 */
export function saveSafetensors(tensors: StateDictInput, metadata?: Record<string, string> | null): Uint8Array {
  const entries = entriesOf(tensors);
  const rank = (t: Tensor) => DTYPE_ORDER.indexOf(WRITE_DTYPE[t.dtype]);
  entries.sort(([an, at], [bn, bt]) => rank(bt) - rank(at) || compareNames(an, bn));
  const header: Record<string, unknown> = {};
  if (metadata !== undefined && metadata !== null) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new ArgumentError(`saveSafetensors(): metadata values must be strings ('${k}' is ${typeof v})`);
    }
    header.__metadata__ = metadata;
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__') throw new ArgumentError("saveSafetensors(): '__metadata__' is reserved and cannot name a tensor");
    const bytes = tensorBytes(t);
    Object.defineProperty(header, name, {
      value: { dtype: WRITE_DTYPE[t.dtype], shape: t.shape.slice(), data_offsets: [offset, offset + bytes.length] },
      enumerable: true, writable: true, configurable: true,
    });
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function asBytes(data: Uint8Array | ArrayBuffer): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new ArgumentError('loadSafetensors(): expected a Uint8Array or an ArrayBuffer');
}

function bad(message: string): never {
  throw new ArgumentError(`safetensors: ${message}`);
}

/** Parses and validates the header of a safetensors file (no tensor data is read). */
export function readSafetensorsHeader(data: Uint8Array | ArrayBuffer): SafetensorsHeader {
  const bytes = asBytes(data);
  if (bytes.length < 8) bad(`file too small (${bytes.length} bytes) to hold the 8-byte header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER)) bad(`header length ${n} exceeds the 100 MB limit`);
  const len = Number(n);
  if (8 + len > bytes.length) bad(`header length ${len} runs past the end of the ${bytes.length}-byte file`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + len)));
  } catch (e) {
    bad(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) bad('header must be a JSON object');
  const dataStart = 8 + len;
  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> | null = null;
  const tensors: SafetensorsEntry[] = [];
  for (const [name, info] of Object.entries(parsed as Record<string, any>)) {
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info) || Object.values(info).some((v) => typeof v !== 'string')) {
        bad('__metadata__ must map strings to strings');
      }
      metadata = info;
      continue;
    }
    if (typeof info !== 'object' || info === null) bad(`entry '${name}' is not an object`);
    const { dtype, shape, data_offsets: offsets } = info;
    if (!DTYPE_ORDER.includes(dtype)) bad(`entry '${name}' has unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || shape.some((s) => !Number.isSafeInteger(s) || s < 0)) bad(`entry '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isSafeInteger(o) || o < 0) || offsets[0] > offsets[1]) {
      bad(`entry '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const numel = shape.reduce((a: number, b: number) => a * b, 1);
    if (offsets[1] - offsets[0] !== numel * ITEM_BYTES[dtype as SafetensorsDType]) {
      throw new ShapeError(
        `safetensors: entry '${name}' of shape [${shape.join(', ')}] and dtype ${dtype} needs ${numel * ITEM_BYTES[dtype as SafetensorsDType]} bytes, ` +
          `but data_offsets [${offsets.join(', ')}] span ${offsets[1] - offsets[0]}`,
      );
    }
    tensors.push({ name, dtype, shape: shape.slice(), dataOffsets: [offsets[0], offsets[1]] });
  }
  // the data section must be covered exactly: no gaps, no overlaps, nothing past the end
  const sorted = [...tensors].sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let end = 0;
  for (const t of sorted) {
    if (t.dataOffsets[0] !== end) bad(`entry '${t.name}' starts at byte ${t.dataOffsets[0]} of the data section, expected ${end} (gap or overlap)`);
    end = t.dataOffsets[1];
  }
  if (end !== dataLength) bad(`tensors cover ${end} bytes but the data section holds ${dataLength}`);
  return { tensors, metadata, dataStart };
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Decodes one entry into a torchlet tensor (I64 → int32 with a range check; F16/BF16 → float32). */
function decode(bytes: Uint8Array, dataStart: number, e: SafetensorsEntry): Tensor {
  const begin = dataStart + e.dataOffsets[0];
  const view = new DataView(bytes.buffer, bytes.byteOffset + begin, e.dataOffsets[1] - e.dataOffsets[0]);
  const n = e.shape.reduce((a, b) => a * b, 1);
  const shape = e.shape;
  switch (e.dtype) {
    case 'F32': {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = view.getFloat32(i * 4, true);
      return tensor(a, { shape });
    }
    case 'F64': {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = view.getFloat64(i * 8, true);
      return tensor(a, { shape });
    }
    case 'I32': {
      const a = new Int32Array(n);
      for (let i = 0; i < n; i++) a[i] = view.getInt32(i * 4, true);
      return tensor(a, { shape });
    }
    case 'BOOL': {
      const a = new Uint8Array(n);
      for (let i = 0; i < n; i++) a[i] = view.getUint8(i) !== 0 ? 1 : 0;
      return tensor(a, { shape, dtype: 'bool' });
    }
    case 'I64': {
      const a = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v < INT32_MIN || v > INT32_MAX) {
          throw new DTypeError(
            `safetensors: entry '${e.name}' (I64) holds ${v} at flat index ${i}, outside int32's range; torchlet keeps integer tensors as int32`,
          );
        }
        a[i] = Number(v);
      }
      return tensor(a, { shape });
    }
    case 'F16':
    case 'BF16': {
      const a = new Float32Array(n);
      // bfloat16 is the top half of a float32: widen by shifting the bits into place
      const bits = new Uint32Array(a.buffer);
      for (let i = 0; i < n; i++) {
        const h = view.getUint16(i * 2, true);
        if (e.dtype === 'F16') a[i] = halfToFloat(h);
        else bits[i] = h << 16;
      }
      return tensor(a, { shape });
    }
    default:
      throw new DTypeError(`safetensors: entry '${e.name}' has dtype ${e.dtype}, which torchlet cannot load (supported: F32, F64, I32, BOOL, I64, F16, BF16)`);
  }
}

/**
 * Reads a safetensors file into a state dict (key → Tensor, in the file's header order):
 * F32 → float32, F64 → float64, I32 → int32, BOOL → bool, I64 (PyTorch's default integer type)
 * → int32 when every value fits, and F16 / BF16 widened to float32.
 */
export function loadSafetensors(data: Uint8Array | ArrayBuffer): StateDict {
  const bytes = asBytes(data);
  const header = readSafetensorsHeader(bytes);
  const sd: StateDict = {};
  for (const e of header.tensors) setEntry(sd, e.name, decode(bytes, header.dataStart, e));
  return sd;
}
