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
  // `npm run dev -w @parley/web` serves the interface with hot reload and passes the API to a
  // running node (PARLEY_URL, default http://127.0.0.1:8080), so that cookies stay same-origin.
  server: {
    proxy: { '/api': { target: process.env.PARLEY_URL ?? 'http://127.0.0.1:8080', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // The node's CSP allows no inline script or style; keep every asset a file.
    assetsInlineLimit: 0,
    sourcemap: false,
    // Pages are loaded on first visit (app.tsx, React.lazy); beside them, chunks that change at
    // other times than the app's code, so that a browser keeps them across updates (the node
    // serves assets as immutable): React, which changes with its version; the interface's words;
    // the charts, which only the statistics and matrix pages draw.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 3 },
            // English is built in (i18n/index.ts); another language is its own chunk, fetched only when chosen.
            { name: 'locale-en', test: /[\\/]src[\\/]i18n[\\/](?!fr[.-])/, priority: 2 },
            { name: 'charts', test: /[\\/]src[\\/]components[\\/][\w-]+-chart\.tsx$/, priority: 1 },
          ],
        },
      },
    },
  },
});
