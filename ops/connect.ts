// Which cluster an operator command talks to, with the exporter's connection settings and kafka-client:
// `--bootstrap` (one ad-hoc cluster), else `--cluster NAME` from `exporter.clusters` in the config
// file (TLS, SASL, timeouts as the exporter uses them), else the only configured cluster, else the
// reference cluster of the `broker` section. TLS/SASL flags refine a --bootstrap cluster.
import type { Command } from 'commander';
import type { ToolkitConfig, ExporterClusterConfig } from '../common/config/index.js';
import { RuntimeFailure, UsageError } from '../common/index.js';
import { contextFor } from '../common/command/index.js';
import { ClusterClient, parseBootstrap, saslMechanisms, type SaslMechanism } from '../kafka-client/index.js';
import { parseOutputFormat, type OutputFormat } from './output.js';

export interface ConnectionFlags {
  bootstrap?: string;
  cluster?: string;
  tls?: boolean;
  tlsCaFile?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsInsecure?: boolean;
  saslMechanism?: string;
  saslUsername?: string;
  saslPasswordEnv?: string;
  saslPasswordFile?: string;
  timeout?: string;
  output: OutputFormat;
}

/** Adds the connection and output options every cluster command shares. */
export function withConnectionOptions(cmd: Command): Command {
  return cmd
    .option(
      '--bootstrap <host:port,...>',
      'bootstrap brokers (else --cluster / exporter.clusters from the config file)',
    )
    .option('--cluster <name>', 'a cluster of exporter.clusters in the config file')
    .option('--tls', 'TLS to the brokers (with --bootstrap)')
    .option('--tls-ca-file <file>', 'CA certificate file')
    .option('--tls-cert-file <file>', 'client certificate file')
    .option('--tls-key-file <file>', 'client key file')
    .option('--tls-insecure', 'accept any server certificate (testing only)')
    .option('--sasl-mechanism <m>', 'plain, scram-sha-256 or scram-sha-512')
    .option('--sasl-username <name>', 'SASL user')
    .option('--sasl-password-env <var>', 'environment variable holding the SASL password')
    .option('--sasl-password-file <file>', 'file holding the SASL password')
    .option('--timeout <ms>', 'request timeout in milliseconds', '10000')
    .option('-o, --output <format>', 'table or json', parseOutputFormat, 'table' as OutputFormat);
}

export function resolveCluster(config: ToolkitConfig, f: ConnectionFlags): ExporterClusterConfig {
  const timeout = Number(f.timeout ?? 10_000);
  if (!Number.isInteger(timeout) || timeout < 100)
    throw new UsageError(`--timeout: ${JSON.stringify(f.timeout)} is not a number of milliseconds >= 100`);
  let cluster: ExporterClusterConfig;
  if (f.bootstrap !== undefined) {
    let bootstrap: string[];
    try {
      bootstrap = parseBootstrap(f.bootstrap);
    } catch (e) {
      throw new UsageError(`--bootstrap: ${(e as Error).message}`);
    }
    cluster = { name: f.cluster ?? 'cli', bootstrap, connectionTimeoutMs: 3000, requestTimeoutMs: timeout };
  } else if (f.cluster !== undefined) {
    const found = config.exporter.clusters.find((c) => c.name === f.cluster);
    if (!found)
      throw new UsageError(
        `--cluster ${f.cluster}: not in exporter.clusters (known: ${config.exporter.clusters.map((c) => c.name).join(', ') || 'none'})`,
      );
    cluster = found;
  } else if (config.exporter.clusters.length === 1) {
    cluster = config.exporter.clusters[0];
  } else if (config.exporter.clusters.length > 1) {
    throw new UsageError(
      `several clusters configured (${config.exporter.clusters.map((c) => c.name).join(', ')}): pick one with --cluster NAME`,
    );
  } else {
    const host = config.broker.advertisedHost ?? config.broker.host;
    cluster = {
      name: 'local',
      bootstrap: [`${host === '0.0.0.0' ? '127.0.0.1' : host}:${config.broker.port}`],
      connectionTimeoutMs: 3000,
      requestTimeoutMs: timeout,
    };
  }
  if (f.tls || f.tlsCaFile || f.tlsCertFile || f.tlsKeyFile || f.tlsInsecure) {
    cluster = {
      ...cluster,
      tls: {
        ...(cluster.tls ?? {}),
        enabled: true,
        caFile: f.tlsCaFile ?? cluster.tls?.caFile,
        certFile: f.tlsCertFile ?? cluster.tls?.certFile,
        keyFile: f.tlsKeyFile ?? cluster.tls?.keyFile,
        insecureSkipVerify: f.tlsInsecure ?? cluster.tls?.insecureSkipVerify ?? false,
      },
    };
  }
  if (f.saslMechanism || f.saslUsername) {
    const mechanism = (f.saslMechanism ?? cluster.sasl?.mechanism) as SaslMechanism | undefined;
    if (!mechanism || !saslMechanisms.includes(mechanism))
      throw new UsageError(`--sasl-mechanism: one of ${saslMechanisms.join(', ')}`);
    const username = f.saslUsername ?? cluster.sasl?.username;
    if (!username) throw new UsageError('--sasl-username is required with --sasl-mechanism');
    cluster = {
      ...cluster,
      sasl: { mechanism, username, passwordEnv: f.saslPasswordEnv, passwordFile: f.saslPasswordFile },
    };
    if (!f.saslPasswordEnv && !f.saslPasswordFile)
      throw new UsageError('SASL: pass --sasl-password-env VAR or --sasl-password-file FILE');
  }
  return cluster;
}

/** A connected client on kafka-client's ClusterClient; unreachable clusters are exit 1. */
export async function connectCluster(cmd: Command, f: ConnectionFlags): Promise<ClusterClient> {
  const ctx = contextFor(cmd);
  const config = ctx.config();
  const cluster = resolveCluster(config, f);
  let client: ClusterClient;
  try {
    client = new ClusterClient({ ...cluster, clientId: cluster.clientId ?? 'kafka-sre-ops' });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  try {
    await client.connect();
  } catch (e) {
    await client.close();
    throw new RuntimeFailure(
      `cannot reach cluster ${cluster.name} (${cluster.bootstrap.join(',')}): ${(e as Error).message}`,
    );
  }
  return client;
}

/** Runs `fn` with a connected client and always disconnects. */
export async function withCluster<T>(
  cmd: Command,
  f: ConnectionFlags,
  fn: (client: ClusterClient) => Promise<T>,
): Promise<T> {
  const client = await connectCluster(cmd, f);
  try {
    return await fn(client);
  } catch (e) {
    if (e instanceof UsageError || e instanceof RuntimeFailure) throw e;
    throw new RuntimeFailure((e as Error).message);
  } finally {
    await client.close();
  }
}
