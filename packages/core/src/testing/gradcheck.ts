// Numerical gradient checking in float64 (torch.autograd.gradcheck / gradgradcheck): compares
// the Jacobian autograd computes with central finite differences, element by element.
import { autograd, Tensor, TorchletError } from '@torchlet/core';

/** A gradient check failed; the message shows where and by how much. */
export class GradcheckError extends TorchletError {}
// Pinned as a string: minifiers rename classes (see errors.ts).
Object.defineProperty(GradcheckError.prototype, 'name', { value: 'GradcheckError', writable: true, configurable: true, enumerable: false });

/** Tolerances of a gradient check. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
}

type Fn = (...inputs: Tensor[]) => Tensor | Tensor[];

function outputsOf(fn: Fn, inputs: Tensor[]): Tensor[] {
  const out = fn(...inputs);
  return Array.isArray(out) ? out : [out];
}

/** Offsets of every element of `t` in its storage, in row-major order. */
function elementOffsets(t: Tensor): number[] {
  const offs: number[] = [];
  const walk = (dim: number, off: number) => {
    if (dim === t.shape.length) offs.push(off);
    else for (let i = 0; i < t.shape[dim]; i++) walk(dim + 1, off + i * t._strides[dim]);
  };
  walk(0, t._offset);
  return offs;
}

function flatValues(ts: Tensor[]): number[] {
  return ts.flatMap((t) => elementOffsets(t).map((o) => t._data[o]));
}

/**
 * Jacobian d(outputs)/d(input) by central differences: rows are input elements. `fn` runs with
 * grad mode as the caller has it (not under noGrad), so functions that use autograd inside,
 * like gradgradcheck's first-order gradients, are evaluated correctly.
 */
function numericalJacobian(fn: Fn, inputs: Tensor[], input: Tensor, eps: number): number[][] {
  return elementOffsets(input).map((off) => {
    const orig = input._data[off];
    // bump the version with every write, so backends that cache storage see the change
    const bump = () => (input._version ??= { value: 0 }).value++;
    try {
      input._data[off] = orig + eps;
      bump();
      const plus = flatValues(outputsOf(fn, inputs));
      input._data[off] = orig - eps;
      bump();
      const minus = flatValues(outputsOf(fn, inputs));
      return plus.map((p, k) => (p - minus[k]) / (2 * eps));
    } finally {
      input._data[off] = orig;
      bump();
    }
  });
}

/** Jacobian by autograd, one backward per output element: rows are input elements. */
function analyticalJacobian(fn: Fn, inputs: Tensor[], diffInputs: Tensor[]): number[][][] {
  const outputs = outputsOf(fn, inputs);
  const jac = diffInputs.map((x) => Array.from({ length: x.numel() }, () => [] as number[]));
  outputs.forEach((out, oi) => {
    for (let k = 0; k < out.numel(); k++) {
      const gradOutputs = outputs.map((o, j) => {
        const g = new Float64Array(o.numel());
        if (j === oi) g[k] = 1;
        return new Tensor(g, o.shape, contiguous(o.shape), 0, 'float64').to(o.dtype);
      });
      const grads = out.requiresGrad
        ? autograd.grad(outputs.filter((o) => o.requiresGrad), diffInputs, {
            gradOutputs: gradOutputs.filter((_, j) => outputs[j].requiresGrad),
            retainGraph: true,
            allowUnused: true,
          })
        : diffInputs.map(() => null);
      grads.forEach((g, i) => {
        const vals = g === null ? new Array(diffInputs[i].numel()).fill(0) : flatValues([g]);
        vals.forEach((v, e) => jac[i][e].push(v));
      });
    }
  });
  return jac;
}

function contiguous(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * Checks autograd's gradients of `fn` against finite differences for every input that requires
 * grad. Inputs must be float64. Returns true, or throws a GradcheckError naming the input,
 * element and both values.
 */
export function gradcheck(fn: Fn, inputs: Tensor[], options: GradcheckOptions = {}): true {
  const eps = options.eps ?? 1e-6, atol = options.atol ?? 1e-5, rtol = options.rtol ?? 1e-3;
  const diffInputs = inputs.filter((x) => x.requiresGrad);
  for (const x of diffInputs) {
    if (x.dtype !== 'float64') throw new GradcheckError(`gradcheck expects float64 inputs that require grad, got ${x.dtype}`);
  }
  const analytical = analyticalJacobian(fn, inputs, diffInputs);
  diffInputs.forEach((x, i) => {
    const numerical = numericalJacobian(fn, inputs, x, eps);
    numerical.forEach((row, e) =>
      row.forEach((n, o) => {
        const a = analytical[i][e][o];
        if (!(Math.abs(a - n) <= atol + rtol * Math.abs(n))) {
          throw new GradcheckError(
            `Jacobian mismatch for output element ${o} with respect to input ${inputs.indexOf(x)}, element ${e}: numerical ${n}, analytical ${a}`,
          );
        }
      }),
    );
  });
  return true;
}

/**
 * Checks second derivatives, as `torch.autograd.gradgradcheck`: gradcheck of the function that
 * maps the inputs and the output gradients to the first gradients computed with `createGraph`.
 * The output gradients are inputs of that check too (fixed, non-uniform values), so it also
 * verifies that each backward is differentiable in the gradient it receives, which double
 * backward through a chain of ops relies on.
 */
export function gradgradcheck(fn: Fn, inputs: Tensor[], options: GradcheckOptions = {}): true {
  if (!inputs.some((x) => x.requiresGrad)) return true;
  const gradOutputs = outputsOf(fn, inputs)
    .filter((o) => o.requiresGrad)
    .map((o) => {
      // every output element weighed differently, so no backward sees a uniform gradient
      const g = new Float64Array(o.numel()).map((_, k) => 1 + 0.1 * k);
      const t = new Tensor(g, o.shape.slice(), contiguous(o.shape), 0, 'float64').to(o.dtype);
      return o.dtype === 'float64' ? t.requiresGrad_() : t;
    });
  const n = inputs.length;
  const firstOrder = (...args: Tensor[]): Tensor[] => {
    const xs = args.slice(0, n);
    const outs = outputsOf(fn, xs).filter((o) => o.requiresGrad);
    const ins = xs.filter((x) => x.requiresGrad);
    const grads = autograd.grad(outs, ins, { gradOutputs: args.slice(n), createGraph: true, allowUnused: true });
    // a gradient that does not require grad is kept: finite differences still see how it varies
    return grads.filter((g): g is Tensor => g !== null);
  };
  return gradcheck(firstOrder, [...inputs, ...gradOutputs], options);
}
