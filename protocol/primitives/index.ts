export { ProtocolReader, type TaggedFields } from './reader.js';
export { ProtocolWriter } from './writer.js';
export { ProtocolDecodeError } from './errors.js';
