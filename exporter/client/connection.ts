// Connection settings of one cluster -> kafkajs configuration. Secrets come from an environment
// variable or a file (preferred) or inline; they are resolved here and never logged.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from '../../common/logging.js';

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

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
  let sasl: SASLOptions | undefined;
  if (c.sasl) {
    const password = resolvePassword(c.sasl, where);
    sasl = { mechanism: c.sasl.mechanism, username: c.sasl.username, password } as SASLOptions;
  }
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
