import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tooling/tsup.base';

// `testing` imports the package by name so both entries share one copy of the core at run time.
export default defineConfig(libraryConfig({ index: 'src/index.ts', testing: 'src/testing/index.ts' }, { external: ['@torchlet/core'] }));
