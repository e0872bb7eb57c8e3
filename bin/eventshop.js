#!/usr/bin/env node
// The installed CLI runs the compiled build (`npm run build`); `npm run cli` runs the sources directly.
const path = require('node:path');
const fs = require('node:fs');

const compiled = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(compiled)) {
  process.stderr.write('error: the CLI is not built yet; run `npm run build` first (or use `npm run cli`)\n');
  process.exit(1);
}
require(compiled);
