import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  enableGrad, GradModeError, inferenceMode, isGradEnabled, isInferenceModeEnabled, noGrad, setGradEnabled, tensor,
} from '@torchlet/core';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('grad mode scopes', () => {
  it('noGrad records nothing and restores the mode', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return x.mul(2);
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
  });

  it('nests: enableGrad inside noGrad records, and each scope restores its parent', () => {
    const x = tensor(1, { requiresGrad: true });
    noGrad(() => {
      const a = enableGrad(() => {
        expect(isGradEnabled()).toBe(true);
        const inner = noGrad(() => x.mul(2));
        expect(inner.requiresGrad).toBe(false);
        expect(isGradEnabled()).toBe(true);
        return x.mul(3);
      });
      expect(a.requiresGrad).toBe(true);
      expect(a.gradFn!.name).toBe('MulBackward0');
      expect(isGradEnabled()).toBe(false);
    });
    expect(isGradEnabled()).toBe(true);
  });

  it('restores the previous mode when the callback throws', () => {
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    setGradEnabled(false);
    try {
      expect(() => enableGrad(() => { throw new Error('x'); })).toThrow('x');
      expect(isGradEnabled()).toBe(false);
    } finally {
      setGradEnabled(true);
    }
  });

  it('returns the callback value', () => {
    expect(noGrad(() => 42)).toBe(42);
    expect(setGradEnabled(false, () => 'v')).toBe('v');
  });

  it('setGradEnabled(mode) sets the mode of the current context; inside a scope only until it ends', () => {
    setGradEnabled(false);
    expect(isGradEnabled()).toBe(false);
    expect(tensor(1, { requiresGrad: true }).mul(2).requiresGrad).toBe(false);
    setGradEnabled(true);
    noGrad(() => {
      setGradEnabled(true);
      expect(isGradEnabled()).toBe(true);
    });
    expect(isGradEnabled()).toBe(true);
    enableGrad(() => {
      setGradEnabled(false);
      expect(isGradEnabled()).toBe(false);
    });
    expect(isGradEnabled()).toBe(true);
  });

  it('setGradEnabled(mode, fn) scopes like noGrad/enableGrad', () => {
    expect(setGradEnabled(false, () => isGradEnabled())).toBe(false);
    expect(noGrad(() => setGradEnabled(true, () => isGradEnabled()))).toBe(true);
    expect(() => setGradEnabled('no' as unknown as boolean)).toThrow(GradModeError);
  });

  it('inferenceMode disables recording, marks tensors, and inferenceMode(false) re-enables grad', () => {
    const x = tensor([1], { requiresGrad: true });
    inferenceMode(() => {
      expect(isInferenceModeEnabled()).toBe(true);
      expect(isGradEnabled()).toBe(false);
      const y = x.mul(2);
      expect(y.requiresGrad).toBe(false);
      expect(y.isInference()).toBe(true);
      inferenceMode(false, () => {
        expect(isInferenceModeEnabled()).toBe(false);
        expect(isGradEnabled()).toBe(true);
      });
    });
    expect(isInferenceModeEnabled()).toBe(false);
  });
});

describe('function-wrapping and decorator forms', () => {
  it('noGrad() wraps a function', () => {
    const f = noGrad()((a: number) => (isGradEnabled() ? -1 : a * 2));
    expect(f(21)).toBe(42);
    expect(isGradEnabled()).toBe(true);
  });

  it('follows the TC39 method-decorator contract (value, context) => replacement, keeping `this`', () => {
    const proto = { scale: 3, predict(this: { scale: number }, x: number) { return [x * this.scale, isGradEnabled()]; } };
    const predict = noGrad()(proto.predict, { kind: 'method', name: 'predict' });
    expect(predict.call({ scale: 3 }, 2)).toEqual([6, false]);
  });

  it('works with real `@noGrad()` / `@inferenceMode()` decorator syntax (compiled by tsx)', () => {
    const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const code = `
      import { noGrad, inferenceMode, isGradEnabled, isInferenceModeEnabled } from ${JSON.stringify(src)};
      class Model {
        scale = 3;
        @noGrad() predict(x: number) { return [x * this.scale, isGradEnabled()]; }
        @inferenceMode() infer() { return isInferenceModeEnabled(); }
      }
      const m = new Model();
      console.log(JSON.stringify([m.predict(2), m.infer(), isGradEnabled()]));`;
    const dir = mkdtempSync(join(tmpdir(), 'torchlet-deco-'));
    const file = join(dir, 'decorated.ts');
    writeFileSync(file, code);
    const out = execFileSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([[6, false], true, true]);
  }, 60_000); // a child process compiling TypeScript: slow when CI runs everything in parallel

  it('works as a legacy (experimentalDecorators) method decorator', () => {
    const target = { f(this: { k: number }) { return [this.k, isGradEnabled()]; }, k: 7 };
    const desc = noGrad()(target, 'f', Object.getOwnPropertyDescriptor(target, 'f')!);
    Object.defineProperty(target, 'f', desc);
    expect(target.f()).toEqual([7, false]);
  });
});

describe('async callbacks (AsyncLocalStorage)', () => {
  it('keep their mode across awaits and return the promise value', async () => {
    const seen = await noGrad(async () => {
      const before = isGradEnabled();
      await sleep(5);
      return [before, isGradEnabled()];
    });
    expect(seen).toEqual([false, false]);
    expect(isGradEnabled()).toBe(true);
  });

  it('never leak into code running concurrently', async () => {
    const x = tensor(1, { requiresGrad: true });
    const log: string[] = [];
    const a = noGrad(async () => {
      for (let i = 0; i < 5; i++) {
        await sleep(1 + (i % 2));
        log.push(`a:${isGradEnabled()}:${x.mul(2).requiresGrad}`);
      }
    });
    const b = enableGrad(async () => {
      for (let i = 0; i < 5; i++) {
        await sleep(1 + ((i + 1) % 2));
        log.push(`b:${isGradEnabled()}:${x.mul(2).requiresGrad}`);
      }
    });
    const c = (async () => {
      for (let i = 0; i < 5; i++) {
        await sleep(1);
        log.push(`c:${isGradEnabled()}`);
      }
    })();
    await Promise.all([a, b, c]);
    expect(log.filter((l) => l.startsWith('a'))).toEqual(Array(5).fill('a:false:false'));
    expect(log.filter((l) => l.startsWith('b'))).toEqual(Array(5).fill('b:true:true'));
    expect(log.filter((l) => l.startsWith('c'))).toEqual(Array(5).fill('c:true'));
    expect(isGradEnabled()).toBe(true);
  });

  it('a bare setGradEnabled inside an async scope stays in that scope', async () => {
    const inner = enableGrad(async () => {
      await sleep(1);
      setGradEnabled(false);
      await sleep(1);
      return isGradEnabled();
    });
    await sleep(0);
    expect(isGradEnabled()).toBe(true);
    expect(await inner).toBe(false);
    expect(isGradEnabled()).toBe(true);
  });

  it('restores after an async callback rejects', async () => {
    await expect(noGrad(async () => {
      await sleep(1);
      throw new Error('late');
    })).rejects.toThrow('late');
    expect(isGradEnabled()).toBe(true);
  });

  it('rejects a non-async function that returns a promise, saying what to do', () => {
    expect(() => noGrad(() => Promise.resolve(1))).toThrow(/pass an `async` function/);
    expect(isGradEnabled()).toBe(true);
  });

  it('without AsyncLocalStorage (browsers), async callbacks get a clear error', () => {
    const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const script = `
      delete process.getBuiltinModule;
      const core = await import(${JSON.stringify(src)});
      try { core.noGrad(async () => 1); console.log('no error'); }
      catch (e) { console.log(e.name + ': ' + e.message); }
      console.log('sync ok', core.noGrad(() => core.isGradEnabled()));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out).toMatch(/^GradModeError: grad-mode scopes with async callbacks need AsyncLocalStorage/);
    expect(out).toMatch(/sync ok false/);
  }, 60_000);
});
