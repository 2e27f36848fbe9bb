// The one owner of grad-mode state (PyTorch's GradMode + InferenceMode). Everything else reads
// it through `gradState()`; the scoped forms save the previous state and restore it.
//
// Sync callbacks just swap a module-level state object. Async callbacks run inside an
// AsyncLocalStorage context, so their mode survives `await` and never leaks into code running
// concurrently; while any async scope is pending, reads outside sync scopes consult that
// storage. Sync callbacks never touch AsyncLocalStorage: on Node 20 its first use turns on
// async hooks for the whole process, which slows every promise afterwards.
import { GradModeError } from '../errors.js';

/** The grad-mode state of one context. */
export interface GradState {
  /** PyTorch's `torch.is_grad_enabled()`. */
  grad: boolean;
  /** PyTorch's `torch.is_inference_mode_enabled()`. */
  inference: boolean;
}

interface AsyncStore {
  getStore(): GradState | undefined;
  run<R>(store: GradState, fn: () => R): R;
}

// Shared across duplicate copies of the package (ESM + CJS in one process) so there is one mode.
const GLOBAL_KEY = Symbol.for('torchlet.gradMode');
interface Shared {
  root: GradState;
  /** The state of the innermost active sync scope (`root` when none). */
  current: GradState;
  /** Active sync scopes. */
  syncDepth: number;
  /** Async scopes whose promise has not settled. */
  pendingAsync: number;
  als: AsyncStore | null;
}
const g = globalThis as unknown as Record<symbol, Shared | undefined>;
const shared: Shared = (g[GLOBAL_KEY] ??= {
  root: { grad: true, inference: false },
  current: null as unknown as GradState,
  syncDepth: 0,
  pendingAsync: 0,
  als: createAsyncStore(),
});
shared.current ??= shared.root;

function createAsyncStore(): AsyncStore | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:async_hooks') as { AsyncLocalStorage?: new () => AsyncStore } | undefined;
  const Ctor = mod?.AsyncLocalStorage ?? (globalThis as { AsyncLocalStorage?: new () => AsyncStore }).AsyncLocalStorage;
  return Ctor ? new Ctor() : null;
}

/** The state of the calling context. The hot path: one counter test when no async scope is pending. */
export function gradState(): GradState {
  if (shared.pendingAsync === 0 || shared.syncDepth > 0) return shared.current;
  return shared.als!.getStore() ?? shared.root;
}

/** Whether operations record the autograd graph in this context (`torch.is_grad_enabled()`). */
export function isGradEnabled(): boolean {
  return gradState().grad;
}

/** Whether inference mode is on in this context (`torch.is_inference_mode_enabled()`). */
export function isInferenceModeEnabled(): boolean {
  return gradState().inference;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

const NO_ASYNC =
  'grad-mode scopes with async callbacks need AsyncLocalStorage, which this runtime lacks (browsers). ' +
  'Use a synchronous callback, or call setGradEnabled(false) before the async work and setGradEnabled(true) after it.';

function isAsyncFunction(fn: unknown): boolean {
  const name = (fn as { constructor?: { name?: string } }).constructor?.name;
  return name === 'AsyncFunction' || name === 'AsyncGeneratorFunction';
}

/** Runs `fn` with `next` as the context's state and restores the previous state afterwards. */
function runScoped<R>(next: GradState, fn: () => R): R {
  if (typeof fn !== 'function') throw new GradModeError(`expected a function to run, got ${typeof fn}`);
  if (isAsyncFunction(fn)) return runAsyncScoped(next, fn);
  const prev = shared.current;
  shared.current = next;
  shared.syncDepth++;
  let result: R;
  try {
    result = fn();
  } finally {
    shared.syncDepth--;
    shared.current = prev;
  }
  if (isThenable(result)) {
    throw new GradModeError(
      'the callback returned a promise but is not an async function, so the grad mode could not follow its awaits; ' +
        'pass an `async` function (e.g. noGrad(async () => { ... })).',
    );
  }
  return result;
}

function runAsyncScoped<R>(next: GradState, fn: () => R): R {
  const als = shared.als;
  if (als === null) throw new GradModeError(NO_ASYNC);
  // The callback's continuations carry `next` through AsyncLocalStorage; reads consult it
  // until the promise settles.
  shared.pendingAsync++;
  const done = () => {
    shared.pendingAsync--;
  };
  let result: R;
  try {
    result = als.run(next, fn);
  } catch (e) {
    done();
    throw e;
  }
  (result as PromiseLike<unknown>).then(done, done);
  return result;
}

/** A function-wrapping form of a scope: usable as `wrap(fn)` and as a method decorator. */
export interface ScopeWrapper {
  /**
   * Wraps `fn` so that every call runs in this scope's mode.
   * @typeParam F - the wrapped function's type, kept as is.
   */
  <F extends (...args: any[]) => any>(fn: F, context?: unknown): F;
  /** The legacy (`experimentalDecorators`) method-decorator form: `@noGrad` on a method. */
  (target: object, key: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
}

function makeWrapper(state: () => GradState): ScopeWrapper {
  const wrap = (fn: (...args: any[]) => any) =>
    function (this: unknown, ...args: any[]) {
      return runScoped(state(), () => fn.apply(this, args));
    };
  return function (target: any, key?: unknown, descriptor?: PropertyDescriptor): any {
    // Legacy (experimentalDecorators) method decorator: (target, key, descriptor).
    if (descriptor && typeof descriptor.value === 'function') {
      return { ...descriptor, value: wrap(descriptor.value) };
    }
    // Plain wrapper, or a TC39 method decorator: (fn, context).
    if (typeof target !== 'function') throw new GradModeError('expected a function or method to wrap');
    return wrap(target);
  } as ScopeWrapper;
}

function scopeOrWrapper<R>(makeState: () => GradState, fn: (() => R) | undefined): R | ScopeWrapper {
  return fn === undefined ? makeWrapper(makeState) : runScoped(makeState(), fn);
}

/**
 * Runs `fn` with gradient recording disabled (`with torch.no_grad():`) and returns its value.
 * Called without a function, returns a wrapper that is also a method decorator (`@noGrad()`).
 */
export function noGrad<R>(fn: () => R): R;
export function noGrad(): ScopeWrapper;
export function noGrad<R>(fn?: () => R): R | ScopeWrapper {
  return scopeOrWrapper(() => ({ grad: false, inference: gradState().inference }), fn);
}

/**
 * Runs `fn` with gradient recording enabled (`with torch.enable_grad():`), even inside `noGrad`.
 * Called without a function, returns a wrapper that is also a method decorator.
 */
export function enableGrad<R>(fn: () => R): R;
export function enableGrad(): ScopeWrapper;
export function enableGrad<R>(fn?: () => R): R | ScopeWrapper {
  return scopeOrWrapper(() => ({ grad: true, inference: gradState().inference }), fn);
}

/**
 * `setGradEnabled(mode, fn)` runs `fn` with recording set to `mode` and restores it afterwards.
 * `setGradEnabled(mode)` sets the mode of the current context, like the bare call
 * `torch.set_grad_enabled(False)`: at top level for the whole program, inside a scope until it ends.
 */
export function setGradEnabled<R>(mode: boolean, fn: () => R): R;
export function setGradEnabled(mode: boolean): void;
export function setGradEnabled<R>(mode: boolean, fn?: () => R): R | void {
  if (typeof mode !== 'boolean') throw new GradModeError(`setGradEnabled(mode): mode must be a boolean, got ${typeof mode}`);
  if (fn === undefined) {
    gradState().grad = mode;
    return;
  }
  return runScoped({ grad: mode, inference: gradState().inference }, fn);
}

/**
 * Runs `fn` in inference mode (`with torch.inference_mode():`): no recording, and tensors
 * created inside are inference tensors that autograd will refuse to save. `inferenceMode(false, fn)`
 * runs `fn` with inference mode off. Without a function, returns a wrapper/decorator.
 */
export function inferenceMode<R>(fn: () => R): R;
export function inferenceMode<R>(mode: boolean, fn: () => R): R;
export function inferenceMode(mode?: boolean): ScopeWrapper;
export function inferenceMode<R>(modeOrFn?: boolean | (() => R), fn?: () => R): R | ScopeWrapper {
  const mode = typeof modeOrFn === 'boolean' ? modeOrFn : true;
  const body = typeof modeOrFn === 'function' ? modeOrFn : fn;
  // Leaving inference mode restores grad recording, as torch.inference_mode(False) does.
  return scopeOrWrapper(() => (mode ? { grad: false, inference: true } : { grad: true, inference: false }), body);
}
