// RecordBatch v2: header fast path, full decode/encode, compression codecs.
export * from './layout.js';
export * from './errors.js';
export * from './header.js';
export * from './records.js';
export * from './compression.js';
export * from './batch.js';
