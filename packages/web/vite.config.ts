import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web takes only types from @parley/core (`import type`), which the bundler erases. The alias
// points at the sources so that a runtime import by mistake fails the build loudly on node:crypto
// instead of silently pulling a stale build into the bundle.
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@parley/core': fileURLToPath(new URL('../core/src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // The node's CSP allows no inline script or style; keep every asset a file.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
