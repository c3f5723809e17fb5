// All partition logs of one broker's log directory, plus the directory's health: size accounting, an
// optional capacity limit (simulated disk size), and the offline state that real I/O errors (EACCES,
// ENOSPC, EIO) or a full capacity cause. An offline directory fails every append and read with
// KAFKA_STORAGE_ERROR instead of crashing the broker; `tryBringOnline()` (called by maintenance and
// by setCapacityBytes) brings it back once the cause is gone.
import { existsSync, mkdirSync, readdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../common/index.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { parseKafkaLogConfig, resolveLogConfig, type LogConfig } from './config.js';
import { StorageError } from './errors.js';
import { PartitionLog, type CompactionStats, type LogDirHooks } from './segmented-partition-log.js';

export interface LogManagerOptions {
  /** The log directory (one per broker). Created if missing. */
  dir: string;
  /** Broker-wide defaults for every topic (Kafka's log.* settings). */
  defaults?: Partial<LogConfig>;
  /** Simulated disk size in bytes; null/undefined = the real file system's size. */
  capacityBytes?: number | null;
  logger?: Logger;
}

export interface LogDirState {
  dir: string;
  offline: boolean;
  /** Why it is offline (null when online). */
  offlineReason: string | null;
  /** Bytes used by segment files. */
  usedBytes: number;
  /** The capacity limit when set, else the file system's size. */
  totalBytes: number;
  /** What is left for appends. */
  usableBytes: number;
}

export interface MaintenanceReport {
  segmentsDeleted: number;
  compaction: CompactionStats;
  flushed: number;
}

const CLEAN_SHUTDOWN = '.kafka_cleanshutdown';
const LOG_START_CHECKPOINT = 'log-start-offset-checkpoint';
const PARTITION_DIR = /^(.+)-(\d+)$/;

type OfflineCause = { kind: 'capacity' | 'io'; message: string } | null;

export class LogManager {
  readonly dir: string;
  private readonly logs = new Map<string, PartitionLog>();
  private readonly topicConfigs = new Map<string, Partial<LogConfig>>();
  /** Logs the caller has opened (or configured) since start; only these get retention/compaction. */
  private readonly claimed = new Set<string>();
  private defaults: Partial<LogConfig>;
  private capacity: number | null;
  private used = 0;
  private cause: OfflineCause = null;
  private readonly logger: Logger | undefined;
  private readonly startOffsets = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** True when partition logs existed and the previous run did not shut down cleanly (their last segments were recovered). */
  readonly recoveredFromCrash: boolean;
  private readonly hooks: LogDirHooks;

  private constructor(opts: LogManagerOptions) {
    this.dir = opts.dir;
    this.defaults = opts.defaults ?? {};
    this.capacity = opts.capacityBytes ?? null;
    this.logger = opts.logger;
    mkdirSync(this.dir, { recursive: true });
    const marker = join(this.dir, CLEAN_SHUTDOWN);
    // A directory without partition logs (e.g. brand new) has nothing to recover.
    const hasLogs = readdirSync(this.dir).some(
      (n) => PARTITION_DIR.test(n) && statSync(join(this.dir, n)).isDirectory(),
    );
    this.recoveredFromCrash = hasLogs && !existsSync(marker);
    rmSync(marker, { force: true });
    for (const line of readCheckpoint(join(this.dir, LOG_START_CHECKPOINT))) {
      const [topic, p, o] = line.split(' ');
      if (topic && Number.isInteger(Number(p)) && Number.isInteger(Number(o)))
        this.startOffsets.set(`${topic}-${p}`, Number(o));
    }
    this.hooks = {
      ensureOnline: () => this.ensureOnline(),
      reserve: (bytes) => this.reserve(bytes),
      bytesChanged: (delta) => {
        this.used += delta;
      },
      ioError: (err, what) => this.ioError(err, what),
      logStartOffsetChanged: (log) => {
        this.startOffsets.set(log.dir.slice(this.dir.length + 1), log.logStartOffset());
        this.writeStartOffsets();
      },
      warn: (msg, fields) => this.logger?.warn({ ...fields, logDir: this.dir }, msg),
    };
  }

  /**
   * Opens the log directory and every partition log in it (`<topic>-<partition>/`). After an unclean
   * shutdown the last segment of each partition is recovered (CRC scan, torn tail truncated, indexes
   * rebuilt). Logs open with the defaults until `setTopicConfig`/`getOrCreate` gives their topic config;
   * maintenance (retention, compaction) touches a log only after the caller has opened it with `getOrCreate`/`open`.
   */
  static open(opts: LogManagerOptions): LogManager {
    const m = new LogManager(opts);
    for (const name of readdirSync(m.dir)) {
      const match = PARTITION_DIR.exec(name);
      if (!match || name.endsWith('-delete') || !statSync(join(m.dir, name)).isDirectory()) continue;
      const [, topic, p] = match;
      try {
        m.openLog(topic, Number(p));
      } catch (err) {
        // A partition that cannot be opened (EACCES, EIO...) takes the directory offline, like Kafka,
        // instead of failing the broker's start.
        m.ioError(err, `opening log ${name}`);
      }
    }
    return m;
  }

  private openLog(topic: string, partition: number): PartitionLog {
    const key = `${topic}-${partition}`;
    const cfg = resolveLogConfig(this.defaults, this.topicConfigs.get(topic));
    const log = PartitionLog.open(this.dir, topic, partition, cfg, this.hooks, {
      recover: this.recoveredFromCrash,
      logStartOffset: this.startOffsets.get(key),
    });
    this.logs.set(key, log);
    return log;
  }

  // ---- partitions ----

  get(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(`${topic}-${partition}`);
  }

  /**
   * The partition's log, created (or opened from disk) if needed. `config` (typed, or Kafka names such as
   * {"retention.ms": "60000"}) becomes the topic's config when given.
   */
  getOrCreate(
    topic: string,
    partition: number,
    config?: Partial<LogConfig> | Readonly<Record<string, string>>,
  ): PartitionLog {
    if (config) this.setTopicConfig(topic, config);
    const existing = this.get(topic, partition);
    this.claimed.add(`${topic}-${partition}`);
    if (existing) return existing;
    this.ensureOnline();
    try {
      return this.openLog(topic, partition);
    } catch (err) {
      if (err instanceof StorageError) throw err;
      throw this.ioError(err, `creating log ${topic}-${partition}`);
    }
  }

  /** Alias used by the replica manager: open(topic, partition, Kafka-style configs). */
  open(topic: string, partition: number, configs?: Readonly<Record<string, string>>): PartitionLog {
    return this.getOrCreate(topic, partition, configs);
  }

  /** Closes and deletes one partition's log (DeleteTopics, reassignment). */
  delete(topic: string, partition: number): void {
    const key = `${topic}-${partition}`;
    const log = this.logs.get(key);
    this.claimed.delete(key);
    if (log) {
      this.logs.delete(key);
      log.delete();
    } else rmSync(join(this.dir, key), { recursive: true, force: true });
    if (this.startOffsets.delete(key)) this.writeStartOffsets();
  }

  /** Deletes every partition of a topic and forgets its config. */
  deleteTopic(topic: string): void {
    for (const log of this.all()) if (log.topic === topic) this.delete(topic, log.partition);
    this.topicConfigs.delete(topic);
  }

  all(): PartitionLog[] {
    return [...this.logs.values()];
  }

  /** Topic config (typed or Kafka names); applied to the topic's open logs at once. */
  setTopicConfig(topic: string, config: Partial<LogConfig> | Readonly<Record<string, string>>): void {
    const typed = isKafkaMap(config) ? parseKafkaLogConfig(config) : (config as Partial<LogConfig>);
    const cfg = resolveLogConfig(this.defaults, typed);
    this.topicConfigs.set(topic, typed);
    for (const log of this.logs.values()) if (log.topic === topic) log.config = cfg;
  }

  /** AlterConfigs on a live topic (Kafka names). */
  updateConfigs(topic: string, configs: Readonly<Record<string, string>>): void {
    this.setTopicConfig(topic, configs);
  }

  /** The effective config of a topic. */
  topicConfig(topic: string): LogConfig {
    return resolveLogConfig(this.defaults, this.topicConfigs.get(topic));
  }

  // ---- log directory health ----

  get offline(): boolean {
    return this.cause !== null;
  }
  get offlineReason(): string | null {
    return this.cause?.message ?? null;
  }
  /** For kafka_log_logmanager_offlinelogdirectorycount (one log dir per broker). */
  offlineLogDirectoryCount(): number {
    return this.cause ? 1 : 0;
  }
  usedBytes(): number {
    return this.used;
  }
  get capacityBytes(): number | null {
    return this.capacity;
  }

  /** Sets or clears the simulated disk size; raising it brings a full directory back online. */
  setCapacityBytes(bytes: number | null): void {
    if (bytes !== null && (!Number.isFinite(bytes) || bytes < 0))
      throw new RangeError(`capacity must be a non-negative number of bytes (got ${bytes})`);
    this.capacity = bytes;
    this.tryBringOnline();
  }

  /** DescribeLogDirs view: total and usable bytes as Kafka 3.3+ reports them. */
  state(): LogDirState {
    let total: number;
    let free: number;
    if (this.capacity !== null) {
      total = this.capacity;
      free = Math.max(0, this.capacity - this.used);
    } else {
      try {
        const s = statfsSync(this.dir);
        total = s.blocks * s.bsize;
        free = s.bavail * s.bsize;
      } catch {
        total = 0;
        free = 0;
      }
    }
    return {
      dir: this.dir,
      offline: this.offline,
      offlineReason: this.offlineReason,
      usedBytes: this.used,
      totalBytes: total,
      usableBytes: free,
    };
  }

  /** All log dirs of this broker (one today). */
  logDirs(): LogDirState[] {
    return [this.state()];
  }

  private ensureOnline(): void {
    if (this.cause) throw new StorageError(`log directory ${this.dir} is offline: ${this.cause.message}`);
  }

  private reserve(bytes: number): void {
    if (this.capacity !== null && this.used + bytes > this.capacity) {
      this.goOffline({
        kind: 'capacity',
        message: `capacity limit reached (${this.used} of ${this.capacity} bytes used, append needs ${bytes})`,
      });
      this.ensureOnline();
    }
  }

  private ioError(err: unknown, what: string): StorageError {
    const code = (err as NodeJS.ErrnoException)?.code;
    const msg = `${what}: ${code ? code + ' ' : ''}${(err as Error)?.message ?? String(err)}`;
    this.goOffline({ kind: code === 'ENOSPC' ? 'capacity' : 'io', message: msg });
    return new StorageError(`log directory ${this.dir} is offline: ${msg}`, err);
  }

  private goOffline(cause: NonNullable<OfflineCause>): void {
    if (this.cause) return;
    this.cause = cause;
    this.logger?.error({ logDir: this.dir, reason: cause.message }, 'log directory offline');
  }

  /**
   * Brings the directory back when the cause is gone: the capacity has room again (retention or a raised
   * limit), or, after an I/O error, a probe file can be written again. Returns whether it is online.
   */
  tryBringOnline(): boolean {
    if (!this.cause) return true;
    if (this.cause.kind === 'capacity' && this.capacity !== null && this.used >= this.capacity) return false;
    try {
      const probe = join(this.dir, '.kafka-sre-probe');
      writeFileSync(probe, 'ok');
      rmSync(probe, { force: true });
      for (const log of this.logs.values()) statSync(log.dir);
    } catch {
      return false;
    }
    this.logger?.info({ logDir: this.dir }, 'log directory back online');
    this.cause = null;
    return true;
  }

  // ---- maintenance ----

  /** One pass of retention, compaction and flush.ms (also run by the timer). */
  runMaintenance(now = Date.now()): MaintenanceReport {
    const report: MaintenanceReport = {
      segmentsDeleted: 0,
      compaction: { segmentsRewritten: 0, recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0 },
      flushed: 0,
    };
    // Retention still runs on a directory that is only full, so deleting old data can free it.
    if (this.cause && this.cause.kind !== 'capacity') {
      this.tryBringOnline();
      return report;
    }
    for (const [key, log] of this.logs) {
      // A log found on disk but not yet opened by the broker may still lack its topic config
      // (e.g. compact): leave it alone until the caller opens it.
      if (!this.claimed.has(key)) continue;
      try {
        report.segmentsDeleted += log.enforceRetention(now);
        if (!this.cause) {
          const c = log.compact(now);
          report.compaction.segmentsRewritten += c.segmentsRewritten;
          report.compaction.segmentsMerged = (report.compaction.segmentsMerged ?? 0) + (c.segmentsMerged ?? 0);
          report.compaction.recordsRemoved += c.recordsRemoved;
          report.compaction.bytesBefore += c.bytesBefore;
          report.compaction.bytesAfter += c.bytesAfter;
          if (log.maybeFlushByTime(now)) report.flushed++;
        }
      } catch (err) {
        if (!(err instanceof StorageError))
          this.logger?.error({ err, topic: log.topic, partition: log.partition }, 'log maintenance failed');
      }
    }
    this.tryBringOnline();
    return report;
  }

  /** Runs maintenance every `intervalMs` (Kafka: log.retention.check.interval.ms; unref'd). */
  startMaintenance(intervalMs = 5000): void {
    this.stopMaintenance();
    this.timer = setInterval(() => this.runMaintenance(), intervalMs);
    this.timer.unref();
  }

  stopMaintenance(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  flushAll(): void {
    for (const log of this.logs.values()) log.flush();
  }

  /** Clean shutdown: flush, close every log, write checkpoints and the clean-shutdown marker. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopMaintenance();
    let clean = !this.cause;
    for (const log of this.logs.values()) {
      try {
        if (!this.cause) log.flush();
        log.close();
      } catch (err) {
        clean = false;
        this.logger?.error({ err, topic: log.topic, partition: log.partition }, 'closing log failed');
      }
    }
    if (!clean) return;
    try {
      this.writeStartOffsets();
      writeFileSync(join(this.dir, CLEAN_SHUTDOWN), '');
    } catch (err) {
      this.logger?.error({ err, logDir: this.dir }, 'writing the clean-shutdown marker failed');
    }
  }

  private writeStartOffsets(): void {
    const lines: string[] = [];
    for (const [key, o] of this.startOffsets) {
      const m = PARTITION_DIR.exec(key);
      if (m && o > 0) lines.push(`${m[1]} ${m[2]} ${o}`);
    }
    try {
      writeCheckpoint(join(this.dir, LOG_START_CHECKPOINT), lines);
    } catch (err) {
      this.ioError(err, 'writing log-start-offset-checkpoint');
    }
  }
}

function isKafkaMap(c: object): c is Readonly<Record<string, string>> {
  return Object.keys(c).some((k) => k.includes('.'));
}
