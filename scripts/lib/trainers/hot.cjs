// Run by scripts/lib/codeCache.ts in a child `node`: compiles a wrapped bundle exactly as
// src/boot/embedded.ts does, runs it, and on its successful exit writes the code cache of
// everything compiled so far. Settings come from TRAIN_* variables.
'use strict';
const fs = require('node:fs'),
  vm = require('node:vm'),
  path = require('node:path'),
  { createRequire } = require('node:module');
const { TRAIN_SOURCE, TRAIN_OUT, TRAIN_FILENAME, TRAIN_DIR, TRAIN_ARGS } = process.env;
const script = new vm.Script(fs.readFileSync(TRAIN_SOURCE, 'utf8'), { filename: TRAIN_FILENAME });
if (TRAIN_ARGS === 'compile') {
  fs.writeFileSync(TRAIN_OUT, script.createCachedData());
  process.exit(0);
}
const runs = JSON.parse(TRAIN_ARGS);
const exit = process.exit.bind(process);
let done = 0;
const start = () => {
  process.argv = [process.execPath, process.execPath, ...runs[done]];
  const module = { exports: {} };
  script.runInThisContext()(
    module.exports,
    createRequire(process.execPath),
    module,
    path.join(TRAIN_DIR, TRAIN_FILENAME),
    TRAIN_DIR,
  );
};
// Each run ends in process.exit: the next starts from the same compiled script, so the cache
// holds what all of them ran. What follows a real exit must not run: the exit throws STOP,
// which ends the run's promise chain and is ignored.
const STOP = Symbol('stop');
const ignoreStop = (e) => {
  if (e === STOP) return;
  console.error(e);
  exit(1);
};
process.on('unhandledRejection', ignoreStop);
process.on('uncaughtException', ignoreStop);
process.exit = (code) => {
  if (code) exit(code);
  if (++done === runs.length) {
    fs.writeFileSync(TRAIN_OUT, script.createCachedData());
    exit(0);
  }
  setImmediate(start);
  throw STOP;
};
start();
