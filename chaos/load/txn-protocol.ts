// The stdio protocol between the load driver (transactions.ts) and a transactional producer
// process (txn-producer.ts): one JSON object per line each way.

export interface TxnProducerConfig {
  brokers: string[];
  topic: string;
  transactionalId: string;
  transactionTimeoutMs: number;
  idHeader: string;
}

export type TxnCommand =
  | { op: 'begin'; txn: number; records: { id: string; key: string | null; value: string }[] }
  | { op: 'end'; txn: number; commit: boolean };

export type TxnReply =
  | { op: 'ready' }
  | { op: 'sent'; txn: number; offsets: { partition: number; baseOffset: number }[] }
  | { op: 'ended'; txn: number; commit: boolean }
  | { op: 'failed'; txn: number; error: string };
