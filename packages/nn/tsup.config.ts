import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tooling/tsup.base';

// `node` holds the file helpers (node:fs) so the main entry stays safe for browser bundles; it
// imports '@torchlet/nn' by name. '@torchlet/*' stays external: one Tensor class and one
// grad-mode state at run time.
export default defineConfig(
  libraryConfig({ index: 'src/index.ts', node: 'src/node.ts' }, { external: [/^@torchlet\//, /^node:/], removeNodeProtocol: false }),
);
