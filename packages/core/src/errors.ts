// Every error torchlet throws on bad input, one class per kind. Messages follow PyTorch's
// wording where PyTorch has one, so search results for the PyTorch message apply.

/** Base class of every torchlet error. */
export class TorchletError extends Error {
  constructor(message: string) {
    super(message);
    // torchlet's own classes carry their name on the prototype (pinned below), which survives
    // minifiers; any other subclass is named after its class.
    if (!Object.hasOwn(new.target.prototype, 'name')) this.name = new.target.name;
  }
}

/** Shapes that do not fit: broadcasting, matmul, reshape/view, expand, sizes. */
export class ShapeError extends TorchletError {}

/** A dimension index out of range or repeated. PyTorch raises `IndexError` for these. */
export class DimError extends TorchletError {}

/** An operation that does not support the given dtype, or an unknown dtype. */
export class DTypeError extends TorchletError {}

/** A bad argument value or type that is not about shapes, dims or dtypes. */
export class ArgumentError extends TorchletError {}

/** Misuse of autograd: backward twice, modified saved tensors, in-place on leaves, hooks. */
export class AutogradError extends TorchletError {}

/** Grad-mode scopes used in a way the runtime cannot support (async callbacks without AsyncLocalStorage). */
export class GradModeError extends TorchletError {}

// Minifiers rename classes (`var t = class extends e {}` in a bundled web app), so `err.name` taken
// from the class would read `t`. Each class's name is pinned as a string instead.
for (const [cls, name] of [
  [TorchletError, 'TorchletError'], [ShapeError, 'ShapeError'], [DimError, 'DimError'], [DTypeError, 'DTypeError'],
  [ArgumentError, 'ArgumentError'], [AutogradError, 'AutogradError'], [GradModeError, 'GradModeError'],
] as const) {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true, enumerable: false });
}

/** Formats a shape as PyTorch prints it in messages: `[2, 3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
