// @ts-check
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { defineConfig } from 'vite';

/** The console's first load may cost at most this much gzipped JavaScript (issue #25). */
export const BUDGET_GZIP_BYTES = 200 * 1024;

/**
 * Fails the build when the JavaScript index.html loads up front (the entry chunk and its static imports,
 * not lazily imported chunks) exceeds the budget once gzipped. Writes the measurement to budget.json.
 * @returns {import('vite').Plugin}
 */
function bundleBudget() {
  return {
    name: 'bundle-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((file) => file.type === 'chunk');
      const firstLoad = new Set();
      const visit = (/** @type {string} */ fileName) => {
        if (firstLoad.has(fileName)) return;
        firstLoad.add(fileName);
        const chunk = chunks.find((c) => c.fileName === fileName);
        chunk?.imports.forEach(visit);
      };
      chunks.filter((c) => c.isEntry).forEach((c) => visit(c.fileName));
      const files = chunks
        .filter((c) => firstLoad.has(c.fileName))
        .map((c) => ({ file: c.fileName, gzipBytes: gzipSync(c.code, { level: 9 }).length }));
      const gzipBytes = files.reduce((n, f) => n + f.gzipBytes, 0);
      this.emitFile({
        type: 'asset',
        fileName: 'budget.json',
        source: JSON.stringify({ budgetGzipBytes: BUDGET_GZIP_BYTES, gzipBytes, files }, null, 2),
      });
      if (gzipBytes > BUDGET_GZIP_BYTES)
        this.error(`first-load JavaScript is ${gzipBytes} B gzipped, over the ${BUDGET_GZIP_BYTES} B budget`);
    },
  };
}

const here = fileURLToPath(new URL('.', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

export default defineConfig({
  root: here,
  base: '/console/',
  // Preact's automatic JSX runtime: no React, and no plugin needed for it.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  define: { __CONSOLE_VERSION__: JSON.stringify(version) },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // Source maps stay out: the served directory is public and the budget counts what is shipped.
    sourcemap: false,
    target: 'es2022',
    // No inline data: URLs for scripts (the CSP has no data: for scripts anyway).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  plugins: [bundleBudget()],
  logLevel: 'warn',
});
