// One transactional producer of the game-day load, as its own process: the load driver
// (load/transactions.ts) starts it, drives it over stdio and stops it by PID, so a fault can
// SIGKILL or SIGSTOP it mid-transaction like a crashed or frozen application. Protocol: JSON lines.
//   stdin:  {"op":"begin","txn":N,"records":[{"id","key","value"}]}  open a transaction, send them
//           {"op":"end","txn":N,"commit":true|false}                  commit or abort it
//   stdout: {"op":"ready"} once InitProducerId is done; {"op":"sent","txn":N,"offsets":[{partition,baseOffset}]};
//           {"op":"ended","txn":N,"commit":bool}; {"op":"failed","txn":N,"error":"..."}
// stdin closing (the driver stopped or died) ends the process; an open transaction is then left to
// the coordinator, as a crash would.
import { createInterface } from 'node:readline';
import type { Transaction } from 'kafkajs';
import { createKafka } from '../../kafka-client/index.js';
import type { TxnCommand, TxnProducerConfig, TxnReply } from './txn-protocol.js';

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.KAFKA_SRE_TXN_PRODUCER ?? '') as TxnProducerConfig;
  const reply = (r: TxnReply) => process.stdout.write(`${JSON.stringify(r)}\n`);
  const producer = createKafka({
    clientId: `kafka-sre-gameday-${cfg.transactionalId}`,
    brokers: cfg.brokers,
    // Few retries: a failure is reported to the driver, which replaces the instance.
    retry: { retries: 3 },
  }).producer({
    transactionalId: cfg.transactionalId,
    transactionTimeout: cfg.transactionTimeoutMs,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  reply({ op: 'ready' });
  let open: { txn: number; t: Transaction } | undefined;
  const lines = createInterface({ input: process.stdin });
  // One command at a time, in order: the driver waits for each reply anyway.
  let chain = Promise.resolve();
  lines.on('line', (line) => {
    const cmd = JSON.parse(line) as TxnCommand;
    chain = chain.then(async () => {
      try {
        if (cmd.op === 'begin') {
          const t = await producer.transaction();
          open = { txn: cmd.txn, t };
          const meta = await t.send({
            topic: cfg.topic,
            acks: -1,
            messages: cmd.records.map((r) => ({ key: r.key, value: r.value, headers: { [cfg.idHeader]: r.id } })),
          });
          reply({
            op: 'sent',
            txn: cmd.txn,
            offsets: meta.map((m) => ({ partition: m.partition, baseOffset: Number(m.baseOffset ?? -1) })),
          });
        } else {
          const t = open?.txn === cmd.txn ? open.t : undefined;
          if (!t) throw new Error(`transaction ${cmd.txn} is not open`);
          open = undefined;
          await (cmd.commit ? t.commit() : t.abort());
          reply({ op: 'ended', txn: cmd.txn, commit: cmd.commit });
        }
      } catch (e) {
        reply({ op: 'failed', txn: cmd.txn, error: (e as Error).message });
      }
    });
  });
  lines.once('close', () => {
    void chain.then(() => producer.disconnect()).finally(() => process.exit(0));
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`transactional producer: ${(e as Error).message}\n`);
  process.exit(1);
});
