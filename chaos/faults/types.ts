// The fault interface: every fault type is a factory that turns its spec entry into a Fault.
// A Fault says what it will do (describe, for --dry-run), what must be undone if the runner dies
// (leftover, written to the lock file BEFORE injecting), and injects, returning its rollback.
import type { Toxiproxy } from 'toxiproxy-node-client';
import type { Admin } from 'kafkajs';
import type { SaslCredentials } from '../../kafka-client/index.js';
import type { FaultSpec, FaultType } from '../schema/schema.js';
import type { LauncherClient } from './launcher-client.js';

/** Where the drill runs, after the target has been started or resolved. */
export interface ResolvedTarget {
  /** Lock/history key. */
  id: string;
  bootstrapServers: string[];
  prometheusUrl: string;
  proxyApiUrl?: string;
  launcherUrl?: string;
  alertmanagerUrl?: string;
  /** host:port where the runner receives Alertmanager webhooks. */
  webhookListen?: string;
  /** e.g. "broker{broker}-{listener}". */
  proxyNaming: string;
  /** Credentials of the runner's own admin and probe clients (a SASL listener). */
  sasl?: SaslCredentials;
}

/** What the load driver lets faults change (client-side faults). */
export interface LoadControl {
  setConsumerDelay(group: string, delayMs: number): void;
  stopConsumers(group: string): Promise<void>;
  startConsumers(group: string): Promise<void>;
  /** share = 0 restores the spec's key distribution. */
  setHotKey(share: number, key: string): void;
  /** Reconnect the given clients with deliberately wrong credentials (or restore them). */
  setCredentialsRevoked(clients: 'producers' | 'consumers' | 'all', revoked: boolean): Promise<void>;
  /** SIGKILL or SIGSTOP transactional producer `index` of load.transactions (its own process). */
  holdTransactionalProducer?(index: number, signal: 'SIGKILL' | 'SIGSTOP'): Promise<{ pid: number }>;
  /** Undo it: a new instance of the same transactional id after a kill (when restart), SIGCONT after a stop. */
  releaseTransactionalProducer?(index: number, restart: boolean): Promise<void>;
}

export interface FaultContext {
  target: ResolvedTarget;
  /** toxiproxy-node-client for target.proxyApiUrl (throws when the target has none). */
  proxy(): Toxiproxy;
  /** The cluster launcher's admin API (throws when the target has none). */
  launcher(): LauncherClient;
  /** A connected kafkajs admin client (shared, closed by the runner). */
  admin(): Promise<Admin>;
  /** The running load driver (throws when the spec has no load). */
  load(): LoadControl;
}

/** JSON-serialisable record of what a fault changed, enough to undo it from a fresh process. */
export interface Leftover {
  fault: string;
  type: FaultType;
  data: Record<string, unknown>;
}

export interface RollbackHandle {
  rollback(): Promise<void>;
}

export interface Fault {
  readonly name: string;
  readonly spec: FaultSpec;
  /** One line for --dry-run and the journal. */
  describe(target: ResolvedTarget): string;
  /** What to undo if the run dies mid-fault; computed before injecting. */
  leftover(ctx: FaultContext): Promise<Leftover>;
  inject(ctx: FaultContext): Promise<RollbackHandle>;
}

export interface FaultFactory<T extends FaultType = FaultType> {
  readonly type: T;
  /** Which target service the fault needs (pre-flight checks it is configured and reachable). */
  readonly needs: 'proxy' | 'launcher' | 'kafka' | 'load';
  create(spec: Extract<FaultSpec, { type: T }>): Fault;
  /** Undo a leftover from a crashed run; must be idempotent (nothing to undo is fine). */
  cleanup(leftover: Leftover, ctx: FaultContext): Promise<void>;
}
