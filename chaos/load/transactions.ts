// The transactional load (spec load.transactions): producers as child processes
// (txn-producer.ts, driven over stdio, stopped by PID) that each run transactions of
// `recordsPerTransaction` records held open for `interval`, every `abortEvery`th aborted on
// purpose; and read_committed consumers (kafkajs, a group of their own). Every transaction is
// logged with how its producer saw it end, for the data check (txn-check.ts). A fault
// (transaction-producer-kill) SIGKILLs or SIGSTOPs one producer mid-transaction and, on rollback,
// replaces it with a new instance of the same transactional id (or SIGCONTs it).
import { spawn, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Consumer, Kafka } from 'kafkajs';
import type { TransactionsSpec } from '../schema/schema.js';
import type { TxnCommand, TxnProducerConfig, TxnReply } from './txn-protocol.js';
import type { GroupRead, TxnRecord } from './txn-check.js';

export interface TransactionalLoadOptions {
  bootstrapServers: string[];
  topic: string;
  runId: string;
  idHeader: string;
  recordSize: number;
  spec: TransactionsSpec;
  kafka: () => Kafka;
}

/** Where the producer script is: next to this module (.ts from the sources through tsx, .js compiled). */
function producerCommand(): string[] {
  const self = fileURLToPath(import.meta.url);
  const script = fileURLToPath(new URL(`./txn-producer${extname(self)}`, import.meta.url));
  return extname(self) === '.ts' ? ['--import', import.meta.resolve('tsx'), script] : [script];
}

class ProducerProcess {
  readonly exited: Promise<void>;
  private readonly waiting = new Map<string, { resolve: (r: TxnReply) => void; reject: (e: Error) => void }>();
  private dead: Error | null = null;
  stderr = '';

  constructor(
    private readonly child: ChildProcess,
    readonly instance: number,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.dead = new Error(`the producer process exited (${signal ?? `code ${code}`}) ${this.stderr.slice(-300)}`);
        for (const w of this.waiting.values()) w.reject(this.dead);
        this.waiting.clear();
        resolve();
      }),
    );
    // Writing to a killed process' stdin fails with EPIPE: its exit is what the driver acts on.
    child.stdin?.on('error', () => {});
    child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    if (child.stdout)
      createInterface({ input: child.stdout }).on('line', (line) => {
        let r: TxnReply;
        try {
          r = JSON.parse(line) as TxnReply;
        } catch {
          return;
        }
        const key = r.op === 'ready' ? 'ready' : `${r.txn}`;
        const w = this.waiting.get(key);
        this.waiting.delete(key);
        w?.resolve(r);
      });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The answer to a command (or to start-up: key "ready"); rejects when the process dies first. */
  reply(key: string, cmd?: TxnCommand): Promise<TxnReply> {
    if (this.dead) return Promise.reject(this.dead);
    const answer = new Promise<TxnReply>((resolve, reject) => this.waiting.set(key, { resolve, reject }));
    if (cmd) this.child.stdin?.write(`${JSON.stringify(cmd)}\n`);
    return answer;
  }

  signal(sig: NodeJS.Signals): void {
    if (!this.dead) this.child.kill(sig);
  }

  /** Close stdin (the process ends its producer and exits), SIGKILL after graceMs. */
  async stop(graceMs = 10_000): Promise<void> {
    this.child.stdin?.end();
    this.signal('SIGCONT');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

interface Slot {
  index: number;
  proc?: ProducerProcess;
  /** Set while a fault holds the producer down (killed awaiting restart, or stopped). */
  held?: 'killed' | 'stopped';
  /** Resolves when the hold ends. */
  release?: () => void;
  loop?: Promise<void>;
  instances: number;
  seq: number;
}

export class TransactionalLoad {
  private readonly slots: Slot[];
  private readonly txnLog: TxnRecord[] = [];
  private readonly groupReads: GroupRead[] = [];
  private readonly consumers: Consumer[] = [];
  private running = false;
  /** Transactions whose producer instance is gone while the outcome is not known yet, per slot. */
  private readonly open = new Map<number, { rec: TxnRecord; commitSent: boolean }>();
  errors = 0;

  constructor(private readonly opts: TransactionalLoadOptions) {
    this.slots = Array.from({ length: opts.spec.producers }, (_, index) => ({ index, instances: 0, seq: 0 }));
  }

  private idPrefix(): string {
    return `${this.opts.runId}:t`;
  }

  /** Ids of this load's records start with this (the plain load's are "<run>:<producer>:"). */
  ownsId(id: string): boolean {
    return id.startsWith(this.idPrefix());
  }

  async start(): Promise<void> {
    this.running = true;
    await this.startConsumers();
    for (const slot of this.slots) await this.spawn(slot);
    for (const slot of this.slots) slot.loop = this.loop(slot);
  }

  private async startConsumers(): Promise<void> {
    const { spec, topic } = this.opts;
    for (let i = 0; i < spec.consumers.count; i++) {
      const consumer = this.opts.kafka().consumer({ groupId: spec.consumers.groupId, readUncommitted: false });
      this.consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const id = message.headers?.[this.opts.idHeader]?.toString();
          if (id && this.ownsId(id)) this.groupReads.push({ id, partition, offset: Number(message.offset) });
        },
      });
    }
  }

  private async spawn(slot: Slot): Promise<void> {
    const { spec } = this.opts;
    const cfg: TxnProducerConfig = {
      brokers: this.opts.bootstrapServers,
      topic: this.opts.topic,
      transactionalId: `${spec.transactionalIdPrefix}-${slot.index}`,
      transactionTimeoutMs: spec.transactionTimeout,
      idHeader: this.opts.idHeader,
    };
    const [cmd, ...args] = [process.execPath, ...producerCommand()];
    const child = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, KAFKA_SRE_TXN_PRODUCER: JSON.stringify(cfg) },
    });
    const proc = new ProducerProcess(child, ++slot.instances);
    slot.proc = proc;
    // InitProducerId of a new instance aborts what an earlier one left open and fences it.
    await proc.reply('ready');
    this.settleOrphan(slot, false);
  }

  /**
   * The transaction the slot's previous instance left open, once that instance is gone: with no
   * commit asked for it cannot have committed; with a commit asked but not answered it may have.
   */
  private settleOrphan(slot: Slot, hung: boolean): void {
    const o = this.open.get(slot.index);
    if (!o) return;
    this.open.delete(slot.index);
    o.rec.outcome = o.commitSent ? 'indeterminate' : 'aborted';
    if (hung) o.rec.hung = true;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
  }

  private records(slot: Slot): { id: string; key: string | null; value: string }[] {
    const { spec, recordSize } = this.opts;
    return Array.from({ length: spec.recordsPerTransaction }, () => {
      const id = `${this.idPrefix()}${slot.index}:${slot.seq++}`;
      const head = `${id}|${Date.now()}|`;
      return { id, key: `key-${Math.floor(Math.random() * 1000)}`, value: head.padEnd(recordSize, 'a') };
    });
  }

  /** One producer: transaction after transaction until the load stops; the current one always ends. */
  private async loop(slot: Slot): Promise<void> {
    const { spec } = this.opts;
    let txn = 0;
    while (this.running) {
      if (slot.held) {
        await new Promise<void>((r) => (slot.release = r));
        continue;
      }
      const proc = slot.proc;
      if (!proc) break;
      const records = this.records(slot);
      const rec: TxnRecord = {
        producer: slot.index,
        txn: txn++,
        ids: records.map((r) => r.id),
        offsets: [],
        outcome: 'indeterminate',
        hung: false,
      };
      this.txnLog.push(rec);
      const entry = { rec, commitSent: false };
      this.open.set(slot.index, entry);
      try {
        const sent = await proc.reply(`${rec.txn}`, { op: 'begin', txn: rec.txn, records });
        if (sent.op === 'failed') throw new Error(sent.error);
        if (sent.op === 'sent') rec.offsets = sent.offsets;
        await this.sleep(spec.interval);
        // A frozen instance gets its commit only once it runs again (written now, it would wait in
        // the pipe and hide that the transaction hung).
        while (slot.held === 'stopped') await new Promise<void>((r) => (slot.release = r));
        // A fault took this instance down while the transaction was open: the restart settles it.
        if (slot.proc !== proc || slot.held === 'killed') continue;
        const aborts = spec.abortEvery > 0 && slot.index < (spec.abortingProducers ?? spec.producers);
        const commit = !aborts || rec.txn % spec.abortEvery !== spec.abortEvery - 1;
        entry.commitSent = commit;
        const ended = await proc.reply(`${rec.txn}`, { op: 'end', txn: rec.txn, commit });
        if (ended.op !== 'ended') throw new Error(ended.op === 'failed' ? ended.error : `unexpected ${ended.op}`);
        this.open.delete(slot.index);
        rec.outcome = commit ? 'committed' : 'aborted';
      } catch {
        if (slot.proc !== proc || slot.held) continue;
        // A failed instance (fenced, timed out) is replaced, as a supervisor would; its open
        // transaction is settled by the new instance's InitProducerId.
        this.errors++;
        await proc.stop();
        if (!this.running) {
          this.settleOrphan(slot, false);
          break;
        }
        await this.spawn(slot).catch(async () => {
          this.errors++;
          await this.sleep(1000);
        });
      }
    }
  }

  /** The fault: SIGKILL (left to the coordinator until restart) or SIGSTOP the producer's process. */
  async hold(index: number, signal: 'SIGKILL' | 'SIGSTOP'): Promise<{ pid: number }> {
    const slot = this.slots[index];
    const proc = slot?.proc;
    if (!proc) throw new Error(`no transactional producer ${index}`);
    // Mid-transaction: its records sent, its commit not asked for yet (the loop holds each
    // transaction open for `interval`), so the signal always leaves a transaction open.
    const deadline = Date.now() + 3 * this.opts.spec.interval + 30_000;
    const inTxn = () => {
      const o = this.open.get(index);
      return o !== undefined && !o.commitSent && o.rec.offsets.length > 0;
    };
    while (!inTxn() && Date.now() < deadline) await this.sleep(10);
    if (!inTxn()) throw new Error(`transactional producer ${index} opened no transaction to interrupt`);
    slot.held = signal === 'SIGKILL' ? 'killed' : 'stopped';
    proc.signal(signal);
    if (signal === 'SIGKILL') await proc.exited;
    // Its open transaction (if its commit was not asked yet) now hangs until the coordinator aborts it.
    const o = this.open.get(index);
    if (o && !o.commitSent) o.rec.hung = true;
    return { pid: proc.pid };
  }

  /** Rollback: a new instance for the same transactional id (after a kill), or SIGCONT (after a stop). */
  async release(index: number, restart: boolean): Promise<void> {
    const slot = this.slots[index];
    if (!slot?.held) return;
    if (slot.held === 'stopped') {
      // If the coordinator aborted its transaction meanwhile, the commit it now asks for fails
      // (fenced) and the loop replaces it with a new instance.
      slot.proc?.signal('SIGCONT');
    } else if (restart && this.running) {
      await this.spawn(slot);
    } else {
      slot.proc = undefined;
      this.settleOrphan(slot, true);
    }
    slot.held = undefined;
    slot.release?.();
  }

  /** Stop producing (every transaction in progress ends), let the group catch up, stop everything. */
  async stop(drainTimeoutMs: number): Promise<void> {
    this.running = false;
    for (const slot of this.slots) {
      if (slot.held === 'stopped') slot.proc?.signal('SIGCONT');
      slot.held = undefined;
      slot.release?.();
    }
    await Promise.allSettled(this.slots.map((s) => s.loop));
    await Promise.allSettled(this.slots.map((s) => s.proc?.stop()));
    for (const slot of this.slots) this.settleOrphan(slot, false);
    const committed = () => this.txnLog.filter((t) => t.outcome === 'committed').flatMap((t) => t.ids);
    const deadline = Date.now() + drainTimeoutMs;
    while (Date.now() < deadline) {
      const read = new Set(this.groupReads.map((g) => g.id));
      if (committed().every((id) => read.has(id))) break;
      await this.sleep(250);
    }
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    this.consumers.length = 0;
  }

  log(): { txns: readonly TxnRecord[]; groupReads: readonly GroupRead[] } {
    return { txns: this.txnLog, groupReads: this.groupReads };
  }

  pids(): number[] {
    return this.slots.flatMap((s) => (s.proc ? [s.proc.pid] : []));
  }
}
