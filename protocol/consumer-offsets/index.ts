export * from './formats.js';
export * from './consumer-group-records.js';
