// The backward engine: finds the part of the graph that leads to what we want gradients for,
// then runs each node once all of its consumers have contributed (Kahn's algorithm, no
// recursion, so a 100,000-op chain is fine), summing gradients on the way, and frees saved
// tensors unless asked to keep the graph.
import { AutogradError, fmtShape } from '../errors.js';
import { sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { anomalyEnabled } from './anomaly.js';
import { enableGrad, noGrad } from './grad-mode.js';
import { AccumulateGrad, type Node } from './node.js';
import { gradNode } from './record.js';
import * as ops from './grad-ops.js';

let runCounter = 0;

/** What one engine run does. */
export interface EngineRun {
  outputs: readonly Tensor[];
  gradOutputs: readonly (Tensor | null | undefined)[];
  retainGraph: boolean;
  createGraph: boolean;
  /** Gradients go only to these tensors (backward's `inputs`, or autograd.grad's inputs). */
  targets: readonly Tensor[] | null;
  /** autograd.grad: return the targets' gradients instead of accumulating into `.grad`. */
  capture: boolean;
}

/** Runs backward; with `capture`, returns the gradient of each target (null where unreached). */
export function runBackward(run: EngineRun): (Tensor | null)[] {
  const roots = rootGradients(run);
  const scope = run.createGraph ? enableGrad : noGrad;
  return scope(() => execute(run, roots));
}

function rootGradients(run: EngineRun): { node: Node; grad: Tensor }[] {
  return run.outputs.map((out, i) => {
    if (!out._requiresGrad) {
      throw new AutogradError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    }
    let grad = run.gradOutputs[i];
    if (grad === null || grad === undefined) {
      if (out.numel() !== 1) {
        throw new AutogradError(
          'grad can be implicitly created only for scalar outputs; pass a gradient of the output\'s shape, e.g. ' +
            `y.backward(onesLike(y)) for y of shape ${fmtShape(out.shape)}`,
        );
      }
      grad = ops.onesLike(out);
    } else if (!sameShape(grad.shape, out.shape)) {
      throw new AutogradError(
        `Mismatch in shape: grad_output[${i}] has a shape of ${fmtShape(grad.shape)} and output[${i}] has a shape of ${fmtShape(out.shape)}.`,
      );
    }
    return { node: gradNode(out), grad };
  });
}

function execute(run: EngineRun, roots: { node: Node; grad: Tensor }[]): (Tensor | null)[] {
  const visit = ++runCounter;
  // Targets: the nodes whose incoming gradient we want, by node.
  const targetIndex = new Map<Node, number[]>();
  if (run.targets !== null) {
    run.targets.forEach((t, i) => {
      if (!t._requiresGrad) throw new AutogradError('One of the differentiated Tensors does not require grad');
      const n = gradNode(t);
      const list = targetIndex.get(n);
      if (list) list.push(i);
      else targetIndex.set(n, [i]);
    });
  }
  const isTarget = (n: Node) => (run.targets === null ? n instanceof AccumulateGrad : targetIndex.has(n));

  // 1. Discover reachable nodes (iterative DFS, post-order) and stamp those on a path to a
  //    target (`_need`) and those with a needed input, whose backward must run (`_runs`).
  const stack: Node[] = [];
  const cursor: number[] = [];
  for (const r of roots) {
    if (r.node._visit === visit) continue;
    r.node._visit = visit;
    stack.push(r.node);
    cursor.push(0);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const n = stack[top];
      const inputs = n._inputs;
      if (cursor[top] < inputs.length) {
        const s = inputs[cursor[top]++];
        if (s !== null && s.node._visit !== visit) {
          s.node._visit = visit;
          stack.push(s.node);
          cursor.push(0);
        }
        continue;
      }
      stack.pop();
      cursor.pop();
      n._deps = 0;
      n._buffer = null;
      let runs = false;
      for (const s of inputs) if (s !== null && s.node._need === visit) runs = true;
      n._runs = runs ? visit : 0;
      n._need = runs || isTarget(n) ? visit : 0;
    }
  }

  // 2. Count, for each node, the edges that will deliver a gradient to it.
  for (const r of roots) countEdges(r.node, visit);

  // 3. Seed the roots and run nodes as they become ready.
  const captured: (Tensor | null)[] = run.targets === null ? [] : run.targets.map(() => null);
  // A gradient computed by a backward rule and held in exactly one place becomes a leaf's .grad
  // as is (PyTorch's AccumulateGrad steals it). Tensors the caller or a hook may hold, and
  // tensors a rule returned for more than one input, are recorded here and copied instead.
  const shared = new Set<Tensor>();
  for (const r of roots) {
    if (r.node._need !== visit) continue;
    shared.add(r.grad);
    r.node._buffer = r.node._buffer === null ? r.grad : ops.add(r.node._buffer, r.grad);
  }
  const ready: Node[] = [];
  for (const r of roots) if (r.node._need === visit && r.node._deps === 0 && !ready.includes(r.node)) ready.push(r.node);
  const executed: Node[] = [];
  while (ready.length > 0) {
    const n = ready.pop()!;
    let grad = n._buffer!;
    n._buffer = null;
    executed.push(n);
    if (n._preHooks !== null) {
      shared.add(grad); // a hook may keep the tensor it was given, or return one it keeps
      grad = applyHooks(n._preHooks, grad);
      shared.add(grad);
    }
    if (n._retained !== null) {
      const t = n._retained.deref();
      if (t !== undefined) t._grad = t._grad === null ? grad : ops.add(t._grad, grad);
      shared.add(grad);
    }
    const idx = targetIndex.size === 0 ? undefined : targetIndex.get(n);
    if (run.capture) {
      if (idx) for (const i of idx) captured[i] = grad;
    } else if (n instanceof AccumulateGrad) {
      if (isTarget(n)) accumulate(n.variable, grad, run.createGraph, !shared.has(grad));
    } else if (idx) {
      // backward(inputs=[nonLeaf]) accumulates into the non-leaf's .grad
      for (const i of idx) accumulate(run.targets![i], grad, run.createGraph, idx.length === 1 && !shared.has(grad));
    }
    if (n._runs !== visit) continue;
    const grads = n._backward(n, grad);
    const inputs = n._inputs;
    for (let i = 0; i < inputs.length; i++) {
      const s = inputs[i];
      if (s === null || s.node._need !== visit) continue;
      let g = grads[i];
      if (g !== null && g !== undefined) {
        g = conform(n, i, g, s.shape, s.dtype);
        if (anomalyEnabled() && ops.hasNaN(g)) {
          throw new AutogradError(`Function '${n.name}' returned nan values in its ${i}th output.`);
        }
        for (let j = 0; j < i; j++) if (grads[j] === g) shared.add(g);
        s.node._buffer = s.node._buffer === null ? g : ops.add(s.node._buffer, g);
      }
      if (--s.node._deps === 0) {
        if (s.node._buffer !== null) ready.push(s.node);
        else propagateNothing(s.node, visit, ready);
      }
    }
  }
  if (!run.retainGraph) for (const n of executed) n.release();
  return captured;
}

/** Sets `_deps` of every needed node reachable from `root` to its number of incoming needed edges. */
function countEdges(root: Node, visit: number): void {
  if (root._counted === visit) return;
  const todo = [root];
  root._counted = visit;
  while (todo.length > 0) {
    const n = todo.pop()!;
    if (n._runs !== visit) continue;
    for (const s of n._inputs) {
      if (s === null || s.node._need !== visit) continue;
      s.node._deps++;
      if (s.node._counted !== visit) {
        s.node._counted = visit;
        todo.push(s.node);
      }
    }
  }
}

// A node that received no gradient at all still releases its consumers' dependency counts.
function propagateNothing(start: Node, visit: number, ready: Node[]): void {
  const todo = [start];
  while (todo.length > 0) {
    const n = todo.pop()!;
    if (n._runs !== visit) continue;
    for (const s of n._inputs) {
      if (s === null || s.node._need !== visit) continue;
      if (--s.node._deps === 0) {
        if (s.node._buffer !== null) ready.push(s.node);
        else todo.push(s.node);
      }
    }
  }
}

function applyHooks(hooks: readonly ((g: Tensor) => Tensor | void | null | undefined)[], grad: Tensor): Tensor {
  for (const hook of hooks.slice()) {
    const r = hook(grad);
    if (r !== undefined && r !== null) {
      if (!sameShape(r.shape, grad.shape)) {
        throw new AutogradError(`hook returned a gradient of shape ${fmtShape(r.shape)}, expected ${fmtShape(grad.shape)}`);
      }
      grad = r;
    }
  }
  return grad;
}

/** Sums a broadcast gradient back to its input's shape and casts to its dtype (PyTorch's validate_outputs). */
function conform(n: Node, i: number, g: Tensor, shape: readonly number[], dtype: Tensor['dtype']): Tensor {
  if (!sameShape(g.shape, shape)) {
    if (!ops.expandableTo(shape, g.shape)) {
      throw new AutogradError(
        `Function ${n.name} returned an invalid gradient at index ${i} - got ${fmtShape(g.shape)} but expected shape compatible with ${fmtShape(shape)}`,
      );
    }
    g = ops.sumToShape(g, shape);
  }
  return g.dtype === dtype ? g : ops.cast(g, dtype);
}

/**
 * AccumulateGrad: the first gradient becomes `.grad` (taken as is when `owned` — computed here,
 * held nowhere else, contiguous, with its own storage — else copied), later ones are added.
 */
function accumulate(t: Tensor, grad: Tensor, createGraph: boolean, owned: boolean): void {
  if (t._grad === null) {
    if (createGraph) t._grad = ops.clone(grad);
    else t._grad = owned && ops.ownsStorage(grad) ? grad : ops.cloneDetached(grad);
  } else if (createGraph || t._grad._requiresGrad) t._grad = ops.add(t._grad, grad);
  else ops.addInto(t._grad, grad);
}
