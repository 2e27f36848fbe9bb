import { defineConfig } from 'vite';

// `@torchlet/*` resolve through the workspace to the packages' built dist (ESM), exactly what npm
// users get; turbo builds them first (`^build`). PLAYGROUND_ISOLATED=1 serves the page
// cross-origin isolated (SharedArrayBuffer available), to try the backend's shared-memory build.
const isolated = process.env.PLAYGROUND_ISOLATED === '1';
const headers = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : undefined;

export default defineConfig({
  base: './',
  server: { headers },
  preview: { headers },
  build: { outDir: 'dist', emptyOutDir: true },
});
