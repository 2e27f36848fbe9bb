// The one build config every published package uses: ESM + CJS, .d.ts for both, sourcemaps.
import type { Options } from 'tsup';

type TsupPlugin = NonNullable<Options['plugins']>[number];

/**
 * esbuild bundles a class that refers to itself as `var Name = class _Name {...}`, so its
 * `.name` becomes `_Name`, and printouts and messages built from it (`_Embedding(10, 3)`,
 * "not _Tensor") would differ from the source's. This restores each such class's name at the end
 * of the chunk. (esbuild's `keepNames` would too, but it also wraps closures created on every
 * op call in `__name(...)`.)
 */
const keepClassNames: TsupPlugin = {
  name: 'keep-class-names',
  renderChunk(code, info) {
    if (!/\.c?js$/.test(info.path)) return;
    const names = [...code.matchAll(/^var (\w+) = class _\1\b/gm)].map((m) => m[1]);
    if (names.length === 0) return;
    const fix = names.map((n) => `Object.defineProperty(${n}, "name", { value: "${n}" });\n`).join('');
    // Before the sourceMappingURL comment, which stays last; lines above keep their mappings.
    const at = code.indexOf('\n//# sourceMappingURL=');
    return { code: at < 0 ? `${code}\n${fix}` : `${code.slice(0, at + 1)}${fix}${code.slice(at + 1)}` };
  },
};

/** Build options for a library package; `entry` maps output names to source files. */
export function libraryConfig(entry: Record<string, string>, overrides: Partial<Options> = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    splitting: false,
    treeshake: true,
    outDir: 'dist',
    plugins: [keepClassNames],
    ...overrides,
  };
}
