// Builds the browser benchmark page (bare imports, DuckDB's worker and wasm).
export default {
  root: new URL('.', import.meta.url).pathname,
  base: './',
  logLevel: 'warn',
  build: { outDir: 'dist', emptyOutDir: true, target: 'esnext', chunkSizeWarningLimit: 10_000 },
  server: { fs: { allow: ['../..'] } },
};
