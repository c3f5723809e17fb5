/** A record batch is malformed: bad magic, bad length, CRC mismatch, undecodable records. */
export class CorruptRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptRecordError';
  }
}
