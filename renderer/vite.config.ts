// Vite build of the renderer. base './' so the same dist loads from file:// inside Electron and from
// `gantry ui`'s static server in a browser.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // One chunk is fine for a local app; keep the warning quiet for uPlot + React.
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      // zod ships /* @__PURE__ */ comments in places Rollup cannot use; harmless, and noisy.
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION') return;
        warn(warning);
      },
    },
  },
  server: {
    // `npm run dev` against a running `gantry ui`: set GANTRY_API=http://127.0.0.1:PORT to proxy the API.
    proxy: process.env.GANTRY_API ? { '/api': { target: process.env.GANTRY_API, changeOrigin: false } } : undefined,
  },
});
