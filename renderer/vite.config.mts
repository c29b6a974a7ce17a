import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  publicDir: join(here, '..', 'assets'),
  build: {
    outDir: join(here, '..', 'out', 'renderer'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'chrome120',
  },
});
