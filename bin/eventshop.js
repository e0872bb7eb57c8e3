#!/usr/bin/env node
// The installed CLI runs the compiled build (`npm run build`); `npm run cli` runs the sources directly.
const path = require('node:path');
const fs = require('node:fs');

const compiled = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(compiled)) {
  process.stderr.write('error: the CLI is not built yet; run `npm run build` first (or use `npm run cli`)\n');
  process.exit(1);
}
// Most of a short command's time is spent compiling the modules it loads: keep V8's code for them on disk
// (Node's compile cache, in the system's temporary directory) so later runs skip that.
require('node:module').enableCompileCache?.();
require(compiled);
