// Connection settings -> kafkajs configuration: the one place that builds kafkajs clients and their
// SASL and TLS options (the cluster client's, and the plain clients of chaos/ and bench/ through
// createKafka). Secrets come from an environment variable or a file (preferred) or inline; they
// are resolved here and never logged.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type RetryOptions, type SASLOptions } from 'kafkajs';
import type { Logger } from '../common/index.js';

export const saslMechanisms = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof saslMechanisms)[number];

export interface SaslSettings {
  mechanism: SaslMechanism;
  username: string;
  /** Inline password (avoid: prefer passwordEnv or passwordFile). */
  password?: string;
  passwordEnv?: string;
  passwordFile?: string;
}

export interface TlsSettings {
  enabled: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Accept any server certificate (testing only). */
  insecureSkipVerify?: boolean;
  serverName?: string;
}

export interface ClusterConnection {
  name: string;
  bootstrap: readonly string[];
  clientId?: string;
  tls?: TlsSettings;
  sasl?: SaslSettings;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

function readSecretFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new Error(`${what}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** The SASL password from env, file or inline, in that order; errors never contain the value. */
export function resolvePassword(s: SaslSettings, where: string): string {
  if (s.passwordEnv) {
    const v = process.env[s.passwordEnv];
    if (v === undefined || v === '')
      throw new Error(`${where}.sasl.passwordEnv: environment variable ${s.passwordEnv} is not set`);
    return v;
  }
  if (s.passwordFile) return readSecretFile(s.passwordFile, `${where}.sasl.passwordFile`);
  if (s.password !== undefined) return s.password;
  throw new Error(`${where}.sasl: set passwordEnv, passwordFile or password`);
}

/** SASL credentials with the password resolved (resolve once, up front: a missing secret is a usage error). */
export interface SaslCredentials {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

/** Resolve the password of SASL settings; `where` names the owner in errors (`<where>.sasl...`). */
export function saslCredentials(s: SaslSettings, where: string): SaslCredentials {
  return { mechanism: s.mechanism, username: s.username, password: resolvePassword(s, where) };
}

/**
 * kafkajs SASL options, a new object for every client: kafkajs stores its authenticator on the
 * options object it was given (closing over the password), so reused options would keep logging
 * in with the password they first saw (a revoked password would never be tried).
 */
function kafkajsSasl(c: SaslCredentials): SASLOptions {
  return { mechanism: c.mechanism, username: c.username, password: c.password } as SASLOptions;
}

function tlsOptions(t: TlsSettings, where: string): ConnectionOptions | boolean {
  if (!t.caFile && !t.certFile && !t.keyFile && !t.insecureSkipVerify && !t.serverName) return true;
  return {
    ca: t.caFile ? [readSecretFile(t.caFile, `${where}.tls.caFile`)] : undefined,
    cert: t.certFile ? readSecretFile(t.certFile, `${where}.tls.certFile`) : undefined,
    key: t.keyFile ? readSecretFile(t.keyFile, `${where}.tls.keyFile`) : undefined,
    rejectUnauthorized: !t.insecureSkipVerify,
    servername: t.serverName,
  };
}

/** kafkajs log entries go to our logger at debug/warn level, without their (noisy) stack. */
function logCreator(logger: Logger | undefined) {
  return () =>
    ({ level, log }: LogEntry) => {
      if (!logger) return;
      const { message, ...rest } = log;
      delete (rest as Record<string, unknown>).stack;
      if (level <= logLevel.ERROR) logger.debug({ kafkajs: rest }, `kafkajs: ${message}`);
      else logger.trace({ kafkajs: rest }, `kafkajs: ${message}`);
    };
}

export function kafkaConfig(c: ClusterConnection, logger?: Logger): KafkaConfig {
  const where = `exporter.clusters[${c.name}]`;
  if (c.bootstrap.length === 0) throw new Error(`${where}.bootstrap: at least one host:port is required`);
  const sasl = c.sasl ? kafkajsSasl(saslCredentials(c.sasl, where)) : undefined;
  return {
    clientId: c.clientId ?? 'kafka-sre-exporter',
    brokers: [...c.bootstrap],
    ssl: c.tls?.enabled ? tlsOptions(c.tls, where) : undefined,
    sasl,
    connectionTimeout: c.connectionTimeoutMs ?? 3000,
    requestTimeout: c.requestTimeoutMs ?? 10_000,
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1000 },
    logLevel: logLevel.WARN,
    logCreator: logCreator(logger),
  };
}

/** Settings of a plain kafkajs client (producers, consumers, admin) built by createKafka. */
export interface KafkaClientOptions {
  clientId: string;
  brokers: readonly string[];
  /** Resolved credentials (saslCredentials); each client gets its own kafkajs SASL options. */
  sasl?: SaslCredentials;
  retry?: RetryOptions;
  requestTimeout?: number;
  /** kafkajs's own console log; off unless asked for. */
  logLevel?: logLevel;
}

/**
 * A plain kafkajs client for tools that produce, consume or administer directly (chaos load,
 * probes and faults; benchmarks). Reads of cluster state go through ClusterClient instead.
 */
export function createKafka(o: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: o.clientId,
    brokers: [...o.brokers],
    logLevel: o.logLevel ?? logLevel.NOTHING,
    sasl: o.sasl && kafkajsSasl(o.sasl),
    ...(o.retry ? { retry: o.retry } : {}),
    ...(o.requestTimeout !== undefined ? { requestTimeout: o.requestTimeout } : {}),
  });
}

/** `host:port[,host:port]` -> list, with a clear error for a bad entry. */
export function parseBootstrap(value: string): string[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) throw new Error('bootstrap list is empty: use host:port[,host:port...]');
  for (const hp of list) {
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(hp);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new Error(`${JSON.stringify(hp)} is not host:port`);
  }
  return list;
}
