#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is built into out/ by `npm run build`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'out', 'cli', 'usc.js');
if (!existsSync(cli)) {
  process.stderr.write('usc: the console is not built yet. Run "npm run build" in ' + join(__dirname, '..') + ' first.\n');
  process.exit(1);
}
require(cli);
