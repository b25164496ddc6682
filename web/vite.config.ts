import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The build lands inside the Python package (api/playground/), committed to git, so running Realign never
// needs Node or the internet. The server answers GET /graphql (Accept: text/html) with index.html and
// serves assets/ at /playground/assets/, hence the base.
export default defineConfig({
  base: '/playground/',
  plugins: [react()],
  build: {
    outDir: '../api/playground',
    emptyOutDir: true,
    // No source maps: they would triple what the wheel ships, and the sources are in web/.
    sourcemap: false,
    // Monaco alone is ~3 MB minified; the warning says nothing we do not know.
    chunkSizeWarningLimit: 5000,
    // Modern browsers only (GraphiQL 5 targets them anyway); keeps the output smaller.
    target: 'es2022',
  },
  worker: {
    // Monaco's workers as ES modules, bundled by Vite from graphiql/setup-workers/vite's `?worker` imports.
    format: 'es',
  },
});
