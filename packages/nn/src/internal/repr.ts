// Python's repr of the values PyTorch puts in module printouts (floats, bools, tuples, strings),
// so `String(module)` is character for character what `print(module)` shows in PyTorch.

/** Python's `repr(float)`: shortest round-trip digits, `1e-05` style below 1e-4, always a `.0` or exponent. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() with no argument gives the shortest digits that round-trip, like Python's repr
  const [mantissa, expText] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const rest = digits.slice(1);
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${digits[0]}${rest ? `.${rest}` : ''}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || '0'}`;
}

/** Python's repr of a number that PyTorch stores as a float (`0.5`, `1.0`, `1e-05`). */
export function pyNumber(x: number | null | undefined, asFloat = true): string {
  if (x === null || x === undefined) return 'None';
  return asFloat ? pyFloat(x) : String(x);
}

/** Python's `True` / `False`. */
export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/** Python's repr of a tuple of ints: `(4,)`, `(2, 3)`. */
export function pyTuple(xs: readonly number[]): string {
  return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`;
}

/** Python's repr of a str: single quotes unless the text holds a single quote and no double quote. */
export function pyStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
}

/** PyTorch's `_addindent`: indents every line but the first by `spaces`. */
export function addIndent(s: string, spaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const pad = ' '.repeat(spaces);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join('\n');
}
