// PyTorch's tensor repr (torch/_tensor_str.py), ported line for line: the same formatter
// choice (integer, fixed or scientific), widths, line wrapping, `...` summarisation and
// suffixes. Numbers are formatted as Python's format() does, rounding half to even on the
// exact binary value (JavaScript's toFixed rounds ties away from zero).
import type { DType } from './dtype.js';
import { ArgumentError } from './errors.js';
import { numelOf } from './shape.js';
import type { Tensor } from './tensor.js';

/** Printing options (`torch.set_printoptions`). */
export interface PrintOptions {
  /** Digits after the decimal point (default 4). */
  precision: number;
  /** Element count above which the repr is summarised with `...` (default 1000). */
  threshold: number;
  /** Items shown at each end of a summarised dim (default 3). */
  edgeitems: number;
  /** Characters per line before wrapping (default 80). */
  linewidth: number;
  /** Force (true) or forbid (false) scientific notation; null lets the formatter choose. */
  sciMode: boolean | null;
}

const DEFAULTS: PrintOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null };
const opts: PrintOptions = { ...DEFAULTS };

/** Sets printing options like `torch.set_printoptions`; `profile` resets to 'default', 'short' or 'full' first. */
export function setPrintOptions(options: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' }): void {
  if (typeof options !== 'object' || options === null) throw new ArgumentError(`setPrintOptions: expected an options object, got ${options === null ? 'null' : typeof options}`);
  for (const key of ['precision', 'threshold', 'edgeitems', 'linewidth'] as const) {
    const v = options[key];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && (Number.isInteger(v) || v === Infinity))) {
      throw new ArgumentError(`setPrintOptions: ${key} must be a non-negative integer, got ${String(v)}`);
    }
  }
  if (options.profile === 'default') Object.assign(opts, DEFAULTS);
  else if (options.profile === 'short') Object.assign(opts, DEFAULTS, { precision: 2, edgeitems: 2 });
  else if (options.profile === 'full') Object.assign(opts, DEFAULTS, { threshold: Infinity });
  for (const key of ['precision', 'threshold', 'edgeitems', 'linewidth'] as const) {
    if (options[key] !== undefined) opts[key] = options[key]!;
  }
  opts.sciMode = options.sciMode ?? null;
}

/** The current printing options. */
export function getPrintOptions(): PrintOptions {
  return { ...opts };
}

// ---- Python-exact number formatting -------------------------------------------------------

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** |x| as m·2^e with integer m (x finite). */
function decompose(x: number): { m: bigint; e: number } {
  F64[0] = Math.abs(x);
  const bits = U64[0];
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  return exp === 0 ? { m: frac, e: -1074 } : { m: frac | (1n << 52n), e: exp - 1075 };
}

/** round(|x|·10^k) with ties to even, exactly. */
function scaledRound(x: number, k: number): bigint {
  const { m, e } = decompose(x);
  let num = m;
  let den = 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  if (k >= 0) num *= 10n ** BigInt(k);
  else den *= 10n ** BigInt(-k);
  const q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && q % 2n === 1n)) return q + 1n;
  return q;
}

function isNegative(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return null;
}

/** Python's `'{:.{d}f}'.format(x)`. */
export function formatFixed(x: number, d: number): string {
  const nf = nonFinite(x);
  if (nf !== null) return nf;
  const digits = scaledRound(x, d).toString().padStart(d + 1, '0');
  const body = d === 0 ? digits : `${digits.slice(0, -d)}.${digits.slice(-d)}`;
  return (isNegative(x) ? '-' : '') + body;
}

/** Python's `'{:.{d}e}'.format(x)`. */
export function formatExp(x: number, d: number): string {
  const nf = nonFinite(x);
  if (nf !== null) return nf;
  const sign = isNegative(x) ? '-' : '';
  if (x === 0) return `${sign}${d === 0 ? '0' : `0.${'0'.repeat(d)}`}e+00`;
  let exp = Math.floor(Math.log10(Math.abs(x)));
  let mant = scaledRound(x, d - exp);
  const limit = 10n ** BigInt(d + 1);
  if (mant >= limit) {
    exp += 1;
    mant = scaledRound(x, d - exp);
  } else if (mant < limit / 10n) {
    exp -= 1;
    mant = scaledRound(x, d - exp);
  }
  const s = mant.toString();
  const body = d === 0 ? s : `${s[0]}.${s.slice(1)}`;
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${sign}${body}e${exp < 0 ? '-' : '+'}${e}`;
}

// ---- the formatter ------------------------------------------------------------------------

class Formatter {
  private readonly floating: boolean;
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(values: readonly number[], dtype: DType) {
    this.floating = dtype === 'float32' || dtype === 'float64';
    if (!this.floating) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, formatInt(v, dtype).length);
    } else {
      const nz = values.filter((v) => Number.isFinite(v) && v !== 0);
      // PyTorch returns early when there is no nonzero finite value, before applying sciMode
      if (nz.length === 0) return;
      // a loop, not Math.min(...values): spreading a large tensor overflows the stack
      let min = Infinity, max = 0;
      for (const v of nz) {
        const a = Math.abs(v);
        if (a < min) min = a;
        if (a > max) max = a;
      }
      this.intMode = nz.every((v) => v === Math.ceil(v));
      const p = opts.precision;
      if (this.intMode) {
        if (max / min > 1000 || max > 1e8) {
          this.sciMode = true;
          for (const v of nz) this.maxWidth = Math.max(this.maxWidth, formatExp(v, p).length);
        } else {
          for (const v of nz) this.maxWidth = Math.max(this.maxWidth, formatFixed(v, 0).length + 1);
        }
      } else if (max / min > 1000 || max > 1e8 || min < 1e-4) {
        this.sciMode = true;
        for (const v of nz) this.maxWidth = Math.max(this.maxWidth, formatExp(v, p).length);
      } else {
        for (const v of nz) this.maxWidth = Math.max(this.maxWidth, formatFixed(v, p).length);
      }
    }
    if (opts.sciMode !== null) this.sciMode = opts.sciMode;
  }

  width(): number {
    return this.maxWidth;
  }

  format(v: number, dtype: DType): string {
    let s: string;
    if (!this.floating) s = formatInt(v, dtype);
    else if (this.sciMode) s = formatExp(v, opts.precision);
    else if (this.intMode) {
      s = formatFixed(v, 0);
      if (Number.isFinite(v)) s += '.';
    } else s = formatFixed(v, opts.precision);
    return s.padStart(this.maxWidth, ' ');
  }
}

function formatInt(v: number, dtype: DType): string {
  if (dtype === 'bool') return v !== 0 ? 'True' : 'False';
  return String(v);
}

// ---- layout -------------------------------------------------------------------------------

/** A light read-only view used while printing: shape/strides/offset over the storage. */
interface Slab {
  data: ArrayLike<number>;
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

function sub(s: Slab, i: number): Slab {
  return { data: s.data, shape: s.shape.slice(1), strides: s.strides.slice(1), offset: s.offset + i * s.strides[0] };
}

function values(s: Slab, out: number[] = []): number[] {
  if (s.shape.length === 0) out.push(s.data[s.offset]);
  else for (let i = 0; i < s.shape[0]; i++) values(sub(s, i), out);
  return out;
}

/** The elements PyTorch's get_summarized_data keeps: edge items of every dim. */
function summarizedValues(s: Slab, out: number[] = []): number[] {
  if (s.shape.length === 0) {
    out.push(s.data[s.offset]);
    return out;
  }
  const n = s.shape[0];
  const e = opts.edgeitems;
  const idx = n > 2 * e ? [...range(0, e), ...range(n - e, n)] : range(0, n);
  for (const i of idx) {
    if (s.shape.length === 1) out.push(s.data[s.offset + i * s.strides[0]]);
    else summarizedValues(sub(s, i), out);
  }
  return out;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);
}

function vectorStr(s: Slab, indent: number, summarize: boolean, f: Formatter, dtype: DType): string {
  const elementLength = f.width() + 2;
  const perLine = Math.max(1, Math.floor((opts.linewidth - indent) / elementLength));
  const n = s.shape[0];
  const e = opts.edgeitems;
  const at = (i: number) => f.format(s.data[s.offset + i * s.strides[0]], dtype);
  const data =
    summarize && n > 2 * e ? [...range(0, e).map(at), ' ...', ...range(n - e, n).map(at)] : range(0, n).map(at);
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(', '));
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

function tensorStrWith(s: Slab, indent: number, summarize: boolean, f: Formatter, dtype: DType): string {
  const dim = s.shape.length;
  if (dim === 0) return f.format(s.data[s.offset], dtype);
  if (dim === 1) return vectorStr(s, indent, summarize, f, dtype);
  const n = s.shape[0];
  const e = opts.edgeitems;
  const slice = (i: number) => tensorStrWith(sub(s, i), indent + 1, summarize, f, dtype);
  const slices = summarize && n > 2 * e ? [...range(0, e).map(slice), '...', ...range(n - e, n).map(slice)] : range(0, n).map(slice);
  return `[${slices.join(`,${'\n'.repeat(dim - 1)}${' '.repeat(indent + 1)}`)}]`;
}

function tensorStr(t: Tensor, indent: number): string {
  const s: Slab = { data: t._data, shape: t.shape, strides: t._strides, offset: t._offset };
  const summarize = numelOf(t.shape) > opts.threshold;
  const f = new Formatter(summarize ? summarizedValues(s) : values(s), t.dtype);
  return tensorStrWith(s, indent, summarize, f, t.dtype);
}

function addSuffixes(str: string, suffixes: readonly string[], indent: number): string {
  let out = str;
  let lastLineLen = str.length - str.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > opts.linewidth) {
      out += `,\n${' '.repeat(indent)}${suffix}`;
      lastLineLen = indent + suffix.length;
    } else {
      out += `, ${suffix}`;
      lastLineLen += suffix.length + 2;
    }
  }
  return `${out})`;
}

/** PyTorch's repr of a tensor, e.g. `tensor([1.5000, 2.0000], grad_fn=<MulBackward0>)`. */
export function formatTensor(t: Tensor, prefix = 'tensor('): string {
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  if (numelOf(t.shape) === 0) {
    if (t.shape.length !== 1) suffixes.push(`size=(${t.shape.join(', ')}${t.shape.length === 1 ? ',' : ''})`);
    if (t.dtype !== 'float32') suffixes.push(`dtype=torch.${t.dtype}`);
    body = '[]';
  } else {
    if (t.dtype !== 'float32' && t.dtype !== 'bool') suffixes.push(`dtype=torch.${t.dtype}`);
    body = tensorStr(t, indent);
  }
  if (t.gradFn !== null) suffixes.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent);
}
