import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tooling/tsup.base';

// The bench is an app: one ESM CLI bundle, no type declarations, torchlet packages kept external.
export default defineConfig(libraryConfig({ cli: 'src/cli.ts' }, { format: ['esm'], dts: false, platform: 'node' }));
