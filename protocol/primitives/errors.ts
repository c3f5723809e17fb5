/** A request or response could not be decoded: truncated, negative length, bad varint. */
export class ProtocolDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolDecodeError';
  }
}
