// Types for the subset of the xk6-kafka extension (module "k6/x/kafka") the game-day script uses.
// @types/k6 does not cover extensions; these follow xk6-kafka's documented JavaScript API.
declare module 'k6/x/kafka' {
  export const SCHEMA_TYPE_STRING: string;
  export const SCHEMA_TYPE_BYTES: string;
  export const BALANCER_HASH: string;
  export interface WriterConfig {
    brokers: string[];
    topic: string;
    autoCreateTopic?: boolean;
    balancer?: string;
    /** -1 all, 1 leader, 0 none */
    requiredAcks?: number;
    batchSize?: number;
    batchTimeout?: number;
  }
  export interface Message {
    key?: Uint8Array | ArrayBuffer | null;
    value: Uint8Array | ArrayBuffer;
    headers?: Record<string, string>;
    offset?: number;
    partition?: number;
    time?: Date;
  }
  export class Writer {
    constructor(config: WriterConfig);
    produce(args: { messages: Message[] }): void;
    close(): void;
  }
  export interface ReaderConfig {
    brokers: string[];
    groupID?: string;
    groupTopics?: string[];
    topic?: string;
    maxWait?: string;
  }
  export class Reader {
    constructor(config: ReaderConfig);
    consume(args: { limit: number }): Message[];
    close(): void;
  }
  export class SchemaRegistry {
    constructor(config?: Record<string, unknown>);
    serialize(args: { data: string | Uint8Array; schemaType: string }): Uint8Array;
    deserialize(args: { data: Uint8Array | ArrayBuffer; schemaType: string }): string;
  }
}
