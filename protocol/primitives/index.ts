export { ProtocolReader, type TaggedFields } from './reader.js';
export { ProtocolWriter } from './writer.js';
export { ProtocolDecodeError } from './errors.js';
export { uuidToBytes, uuidFromBytes, ZERO_UUID } from './uuid.js';
