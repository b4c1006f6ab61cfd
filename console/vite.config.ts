import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console is served at the origin's root by the local gateway (`npm start`) and by CloudFront.
 * `npm run console:dev` proxies the API to a running `npm start` (BACKOFFICE_URL, default
 * http://localhost:3000), so hot reload works against the real local runtime.
 */
const backend = process.env.BACKOFFICE_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: Number(process.env.CONSOLE_PORT ?? 5173),
    proxy: Object.fromEntries(['/admin', '/local', '/config.json'].map((path) => [path, { target: backend, changeOrigin: false }])),
  },
});
