// Printing against PyTorch: every case of fixtures/print.json (written by
// scripts/fixtures/core_print.py with PyTorch 1.13) is rebuilt here from its values, dtype and
// op, printed with the same print options, and compared with PyTorch's repr character for
// character, through toString() and util.inspect(). The number formatters are compared with
// Python's format() directly.
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { getPrintOptions, setPrintOptions, tensor, type DType, type PrintOptions, type Tensor } from '@torchlet/core';
import { formatExp, formatFixed } from '../src/print.js';
import fixture from './fixtures/print.json';

type Encoded = number | boolean | 'nan' | 'inf' | '-inf';

interface PrintCase {
  name: string;
  dtype: DType;
  shape: number[];
  requiresGrad: boolean;
  op: string | null;
  options: Record<string, Encoded | string | null>[];
  values?: Encoded[];
  generated?: { kind: 'arange_mod'; n: number; mod: number };
  repr?: string;
  reprSha256?: string;
  reprLength?: number;
}

interface FormatCase {
  value: Encoded;
  digits: number;
  fixed: string;
  exp: string;
}

const cases = fixture.cases as PrintCase[];
const formats = fixture.formats as FormatCase[];

function decode(v: Encoded): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return Number(v);
}

const ARRAYS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;

/** The same ops as OPS in core_print.py: views and value-preserving ops. */
const OPS: Record<string, (x: Tensor) => Tensor> = {
  mul: (x) => x.mul(1),
  add: (x) => x.add(0),
  neg: (x) => x.neg(),
  clone: (x) => x.clone(),
  double: (x) => x.double(),
  t: (x) => x.t(),
  transpose: (x) => x.transpose(0, -1),
  permute: (x) => x.permute(x.shape.map((_, i) => x.ndim - 1 - i)),
  unsqueeze: (x) => x.unsqueeze(0),
  expand: (x) => x.expand(2, ...x.shape),
  select: (x) => x.select(0, 1),
  narrow: (x) => x.narrow(-1, 1, 2),
  view: (x) => x.view(-1),
};

function build(c: PrintCase): Tensor {
  const values =
    c.generated !== undefined
      ? Array.from({ length: c.generated.n }, (_, i) => i % c.generated!.mod)
      : (c.values ?? []).map(decode);
  const leaf = tensor(ARRAYS[c.dtype].from(values), { shape: c.shape });
  if (c.requiresGrad) leaf.requiresGrad_();
  return c.op === null ? leaf : OPS[c.op](leaf);
}

/** Python's set_printoptions keywords as setPrintOptions options. */
function applyOptions(calls: PrintCase['options']): void {
  for (const call of calls) {
    const opts: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' } = {};
    for (const [key, value] of Object.entries(call)) {
      if (key === 'sci_mode') opts.sciMode = value as boolean | null;
      else if (key === 'profile') opts.profile = value as 'default' | 'short' | 'full';
      else opts[key as 'precision' | 'threshold' | 'edgeitems' | 'linewidth'] = decode(value as Encoded);
    }
    setPrintOptions(opts);
  }
}

afterEach(() => setPrintOptions({ profile: 'default' }));

describe('repr matches PyTorch', () => {
  it('has the fixture cases', () => {
    expect(cases.length).toBeGreaterThan(150);
    expect(fixture.torch).toMatch(/^1\.13/);
  });

  for (const c of cases) {
    it(c.name, () => {
      const t = build(c);
      applyOptions(c.options);
      const text = t.toString();
      if (c.repr !== undefined) {
        expect(text).toBe(c.repr);
        expect(inspect(t)).toBe(c.repr);
        expect(String(t)).toBe(c.repr);
      } else {
        expect(text.length).toBe(c.reprLength);
        expect(createHash('sha256').update(text).digest('hex')).toBe(c.reprSha256);
      }
    });
  }
});

describe('formatFixed and formatExp match Python format()', () => {
  it('has the fixture cases', () => expect(formats.length).toBeGreaterThan(400));

  it("'{:.{d}f}'.format(x)", () => {
    const wrong = formats
      .map((f) => ({ ...f, got: formatFixed(decode(f.value), f.digits) }))
      .filter((f) => f.got !== f.fixed)
      .map((f) => `${f.value} .${f.digits}f: expected ${f.fixed}, got ${f.got}`);
    expect(wrong).toEqual([]);
  });

  it("'{:.{d}e}'.format(x)", () => {
    const wrong = formats
      .map((f) => ({ ...f, got: formatExp(decode(f.value), f.digits) }))
      .filter((f) => f.got !== f.exp)
      .map((f) => `${f.value} .${f.digits}e: expected ${f.exp}, got ${f.got}`);
    expect(wrong).toEqual([]);
  });

  it('rounds ties to even on the exact binary value', () => {
    expect(formatFixed(0.03125, 4)).toBe('0.0312');
    expect(formatFixed(0.09375, 4)).toBe('0.0938');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    // 0.125 is exact, so it is a tie; 0.1 + 0.2 is not, so it rounds up
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(1.005, 2)).toBe('1.00');
    expect(formatExp(125, 1)).toBe('1.2e+02');
    expect(formatExp(-0, 2)).toBe('-0.00e+00');
  });
});

describe('print options', () => {
  it('profiles reset the other options, and sciMode is reset by every call', () => {
    setPrintOptions({ precision: 2, linewidth: 40, sciMode: true });
    expect(getPrintOptions()).toEqual({ precision: 2, threshold: 1000, edgeitems: 3, linewidth: 40, sciMode: true });
    setPrintOptions({ edgeitems: 1 });
    expect(getPrintOptions()).toEqual({ precision: 2, threshold: 1000, edgeitems: 1, linewidth: 40, sciMode: null });
    setPrintOptions({ profile: 'short' });
    expect(getPrintOptions()).toEqual({ precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80, sciMode: null });
    setPrintOptions({ profile: 'full', precision: 6 });
    expect(getPrintOptions()).toEqual({ precision: 6, threshold: Infinity, edgeitems: 3, linewidth: 80, sciMode: null });
    setPrintOptions({ profile: 'default' });
    expect(getPrintOptions()).toEqual({ precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null });
  });

  it('getPrintOptions returns a copy', () => {
    const o = getPrintOptions();
    o.precision = 9;
    expect(getPrintOptions().precision).toBe(4);
  });

  it('console.log-style inspection of containers shows the repr of each tensor', () => {
    const t = tensor([1.5, 2]);
    expect(inspect({ t })).toContain('tensor([1.5000, 2.0000])');
  });
});
