// Run by scripts/lib/codeCache.ts in a child `node`: loads the hot bundle, then trains the cold
// script as the hot entry loads it. Settings come from TRAIN_* variables.
'use strict';
const fs = require('node:fs'),
  vm = require('node:vm'),
  Module = require('node:module');
const { TRAIN_HOT, TRAIN_COLD, TRAIN_SOURCE, TRAIN_OUT, TRAIN_FILENAME, TRAIN_ARGS } = process.env;
let script;
const plain = Module._extensions['.js'];
Module._extensions['.cjs'] = (module, filename) => {
  if (filename !== TRAIN_COLD) return plain(module, filename);
  script = new vm.Script(fs.readFileSync(TRAIN_SOURCE, 'utf8'), { filename: TRAIN_FILENAME });
  script.runInThisContext()(module.exports, require, module, TRAIN_FILENAME, '.');
};
const exit = process.exit.bind(process);
process.exit = (code) => {
  if (!code && script) fs.writeFileSync(TRAIN_OUT, script.createCachedData());
  exit(code);
};
process.argv = [process.execPath, TRAIN_HOT, ...JSON.parse(TRAIN_ARGS)];
require(TRAIN_HOT);
