// The public faces of the engine: Tensor.backward and autograd.grad.
import { ArgumentError, AutogradError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { runBackward } from './engine.js';

/** Options of `Tensor.backward`. */
export interface BackwardOptions {
  /** Keep saved tensors so backward can run through this graph again (default: `createGraph`). */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients (default false). */
  createGraph?: boolean;
  /** Accumulate gradients only into these tensors (leaves or non-leaves). */
  inputs?: Tensor | readonly Tensor[];
}

function asList(x: Tensor | readonly Tensor[], what: string): Tensor[] {
  const list = x instanceof Tensor ? [x] : Array.isArray(x) ? [...x] : null;
  if (list === null || list.some((t) => !(t instanceof Tensor))) throw new ArgumentError(`${what} must be a Tensor or an array of Tensors`);
  return list;
}

/** Runs backward from `output` (see `Tensor.backward`). @internal */
export function backward(output: Tensor, gradient?: Tensor | null, options: BackwardOptions = {}): void {
  if (gradient !== undefined && gradient !== null && !(gradient instanceof Tensor)) {
    throw new ArgumentError('backward(gradient): gradient must be a Tensor (or omitted for a one-element output)');
  }
  const createGraph = options.createGraph ?? false;
  const targets = options.inputs === undefined ? null : asList(options.inputs, 'backward(inputs)');
  if (targets !== null && targets.length === 0) throw new ArgumentError("backward(): 'inputs' argument to backward() cannot be empty.");
  runBackward({
    outputs: [output],
    gradOutputs: [gradient],
    retainGraph: options.retainGraph ?? createGraph,
    createGraph,
    targets,
    capture: false,
  });
}

/** Options of `autograd.grad`. */
export interface GradOptions {
  /** Gradients of the outputs (needed for outputs with more than one element). */
  gradOutputs?: Tensor | readonly (Tensor | null)[] | null;
  /** Keep saved tensors (default: `createGraph`). */
  retainGraph?: boolean;
  /** Record the backward pass so the returned gradients are differentiable (default false). */
  createGraph?: boolean;
  /** Return null for inputs the outputs do not depend on, instead of throwing (default false). */
  allowUnused?: boolean;
}

/**
 * Gradients of `outputs` with respect to `inputs`, returned rather than accumulated into
 * `.grad` (`torch.autograd.grad`). Leaves' `.grad` are left untouched.
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  const outs = asList(outputs, 'autograd.grad(outputs)');
  const ins = asList(inputs, 'autograd.grad(inputs)');
  const gradOutputs = options.gradOutputs === undefined || options.gradOutputs === null ? outs.map(() => null) : options.gradOutputs instanceof Tensor ? [options.gradOutputs] : [...options.gradOutputs];
  if (gradOutputs.length !== outs.length) {
    throw new ArgumentError(`grad requires one gradOutput per output: got ${gradOutputs.length} gradOutputs and ${outs.length} outputs`);
  }
  const createGraph = options.createGraph ?? false;
  const result = runBackward({ outputs: outs, gradOutputs, retainGraph: options.retainGraph ?? createGraph, createGraph, targets: ins, capture: true });
  if (!options.allowUnused && result.some((g) => g === null)) {
    throw new AutogradError('One of the differentiated Tensors appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.');
  }
  return result;
}
