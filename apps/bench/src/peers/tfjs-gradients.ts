// tfjs-core registers no gradients by itself: its `register_all_gradients` module is an ES module
// with extension-less imports that only a bundler can load (the @tensorflow/tfjs union package
// inlines a copy for Node the same way). tsup bundles it into the CLI (see tsup.config.ts); the
// copy registers into tfjs's global gradient registry, which every copy of tfjs-core shares.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
