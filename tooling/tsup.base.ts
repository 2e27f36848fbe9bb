// The one build config every published package uses: ESM + CJS, .d.ts for both, sourcemaps.
import type { Options } from 'tsup';

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
    ...overrides,
  };
}
