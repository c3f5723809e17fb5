// Front door of protocol/record-batch (RecordBatch v2): header fast path, full decode/encode, compression
// codecs. Loads the native compression modules (snappy, lz4, zstd); see protocol/index.ts for the rest of
// protocol/. Re-exports only (no code, no side effects): docs/architecture.md.
export * from './layout.js';
export * from './errors.js';
export * from './header.js';
export * from './records.js';
export * from './compression.js';
export * from './batch.js';
export * from './control.js';
