import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tooling/tsup.base';

// The bench is an app: one ESM CLI bundle, no type declarations, torchlet packages kept external.
// tfjs stays external (its wasm backend finds its .wasm files next to its own module; it is loaded
// only by `--compare`), except tfjs-core's gradient registrations, which Node cannot load unbundled
// (src/peers/tfjs-gradients.ts).
export default defineConfig(
  libraryConfig(
    { cli: 'src/cli.ts' },
    { format: ['esm'], dts: false, platform: 'node', external: [/^@tensorflow\/(?!tfjs-core\/dist\/register_all_gradients)/] },
  ),
);
