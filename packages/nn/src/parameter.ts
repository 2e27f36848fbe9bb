// Parameter: a Tensor that a Module registers as learnable when assigned to one of its fields.
import { ArgumentError, Tensor, zeros } from '@torchlet/core';

/**
 * A tensor that is a module parameter (`torch.nn.Parameter`). It shares storage with `data`
 * (no copy, like PyTorch's `_make_subclass`), is always a leaf, and requires grad by default.
 * Assigning one to a field of a `Module` registers it in `parameters()` and `stateDict()`.
 */
export class Parameter extends Tensor {
  /** Wraps `data` (default: an empty float32 tensor) as a parameter. */
  constructor(data: Tensor = zeros([0]), requiresGrad = true) {
    if (!(data instanceof Tensor)) throw new ArgumentError(`Parameter(): data must be a Tensor, got ${typeof data}`);
    super(data._data, data.shape, data._strides, data._offset, data.dtype);
    // share the version counter so in-place changes through either alias are seen by autograd
    this._version = data._version ??= { value: 0 };
    this._inference = data._inference;
    this.requiresGrad_(requiresGrad);
  }

  /** PyTorch's repr: `Parameter containing:` and the tensor's repr on the next line. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
