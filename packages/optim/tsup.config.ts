import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tooling/tsup.base';

// '@torchlet/core' is a peer dependency: never bundled, so one Tensor class and one grad mode run.
export default defineConfig(libraryConfig({ index: 'src/index.ts' }, { external: [/^@torchlet\//] }));
