import vue from '@vitejs/plugin-vue';
import path from 'node:path';
import { defineConfig } from 'vite';

/** The back office: static files for CloudBase static hosting (relative paths, so any folder works). */
export default defineConfig({
  root: __dirname,
  base: './',
  plugins: [vue()],
  resolve: { alias: { '@typings': path.resolve(__dirname, '..', 'typings') } },
  build: {
    outDir: path.resolve(__dirname, '..', 'dist', 'console'),
    emptyOutDir: true,
    target: 'es2020',
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
