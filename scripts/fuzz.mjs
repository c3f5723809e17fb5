#!/usr/bin/env node
// Long protocol fuzz run against fresh brokers (PLAINTEXT and SASL listeners), every API key and
// version the broker serves, one printed seed per iteration (test/support/fuzz-run.ts):
//   node scripts/fuzz.mjs [--iterations N] [--seed S]
// `npm test` runs the same fuzzer with a fixed seed (test/broker-fuzz.test.ts).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../test/support/fuzz-run.ts');
process.exitCode = await main(process.argv.slice(2));
