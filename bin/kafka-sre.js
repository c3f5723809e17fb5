#!/usr/bin/env node
// Entry point of the `kafka-sre` binary. Runs the compiled JavaScript in dist/ when `npm run build`
// produced it from exactly the sources on disk (bin/dist-stamp.js decides; a stale or partial dist/
// never runs), else the TypeScript sources through tsx's loader. Compiled JS starts faster and
// leaves out tsx's loader thread and transpiler (~35 MB of RSS in a long-running exporter).
// KAFKA_SRE_FROM_SOURCE=1 forces the sources.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { distIsCurrent } from './dist-stamp.js';

// Loading and compiling the CLI's modules is a burst of short-lived allocation that makes V8 grow
// its young generation to its maximum (16 MB semi-spaces, ~10 MB resident), which a long-running
// process with little data (an idle exporter) then keeps for good. The semi-spaces stay at their
// initial size while modules load; cli/main.ts restores V8's default growth before the command
// runs, so a command's own work sizes the young generation as usual.
// Node options that size the young generation themselves are left alone.
const userSizesYoungGen = /semi-space/.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`);
if (!userSizesYoungGen) setFlagsFromString('--semi-space-growth-factor=1');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.env.KAFKA_SRE_FROM_SOURCE !== '1' && distIsCurrent(root)) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
