// The cluster layout: every node's bind and advertised address per listener, written by the
// launcher to DIR/cluster.json and read by each node process. Ports follow common/ports.ts (+100
// per broker, metrics +1; the inter-broker and controller bases follow the client port unless set,
// resolved by the config schema: brokerListenerBases). Advertised addresses default to the bind addresses; a drill that routes
// traffic through per-broker proxies overrides them (`advertise`).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { adminTokenFromEnv, brokerListenerPort, brokerMetricsPort } from '../../common/index.js';
import type { BrokerSectionConfig, ClusterSpec, HostPort, NodeSpec } from '../config.js';

export type ListenerName = 'client' | 'interBroker' | 'controller';

/** Advertised-address overrides: node id -> listener -> host:port. */
export type AdvertiseOverrides = Record<number, Partial<Record<ListenerName, HostPort>>>;

export function clusterSpecFile(dataDir: string): string {
  return join(dataDir, 'cluster.json');
}

export function buildClusterSpec(section: BrokerSectionConfig, advertise: AdvertiseOverrides = {}): ClusterSpec {
  const bindHost = section.host;
  const advertisedHost = section.advertisedHost ?? (bindHost === '0.0.0.0' ? '127.0.0.1' : bindHost);
  const voters = Math.min(section.controllers, section.brokers);
  const nodes: NodeSpec[] = [];
  for (let i = 0; i < section.brokers; i++) {
    const bind = {
      client: { host: bindHost, port: brokerListenerPort(section.port, i) },
      interBroker: { host: bindHost, port: brokerListenerPort(section.interBrokerPort, i) },
      controller: { host: bindHost, port: brokerListenerPort(section.controllerPort, i) },
      metrics: { host: bindHost, port: brokerMetricsPort(section.metricsPort, i) },
    };
    const over = advertise[i] ?? {};
    nodes.push({
      nodeId: i,
      voter: i < voters,
      bind,
      advertised: {
        client: over.client ?? { host: advertisedHost, port: bind.client.port },
        interBroker: over.interBroker ?? { host: advertisedHost, port: bind.interBroker.port },
        controller: over.controller ?? { host: advertisedHost, port: bind.controller.port },
      },
    });
  }
  return { broker: section, nodes, secret: randomBytes(32).toString('hex') };
}

/**
 * The token a node's admin routes (/admin/* on its metrics port) ask for: KAFKA_SRE_ADMIN_TOKEN when
 * set, else on a cluster whose client listener is secured the cluster secret (the launcher holds it
 * and forwards its own callers' requests with it), else none (the zero-config loopback cluster).
 */
export function nodeAdminToken(spec: ClusterSpec): string | null {
  const fromEnv = adminTokenFromEnv();
  if (fromEnv) return fromEnv;
  const listener = spec.broker.security?.listener ?? 'PLAINTEXT';
  return listener !== 'PLAINTEXT' && spec.secret ? spec.secret : null;
}

/** Parse `--advertise 1:client=127.0.0.1:39192` values. */
export function parseAdvertise(values: readonly string[], brokers: number): AdvertiseOverrides {
  const out: AdvertiseOverrides = {};
  for (const v of values) {
    const m = /^(\d+):(client|interBroker|controller)=(.+):(\d{1,5})$/.exec(v);
    if (!m)
      throw new Error(
        `--advertise ${JSON.stringify(v)}: expected NODE:LISTENER=HOST:PORT with LISTENER client, interBroker or controller`,
      );
    const node = Number(m[1]);
    if (node >= brokers)
      throw new Error(`--advertise ${JSON.stringify(v)}: there is no node ${node} (brokers: ${brokers})`);
    (out[node] ??= {})[m[2] as ListenerName] = { host: m[3], port: Number(m[4]) };
  }
  return out;
}

export function writeClusterSpec(file: string, spec: ClusterSpec): void {
  mkdirSync(dirname(file), { recursive: true });
  // Owner-only: it holds the cluster secret.
  writeFileSync(`${file}.tmp`, JSON.stringify(spec, null, 1), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function readClusterSpec(file: string): ClusterSpec {
  let spec: ClusterSpec;
  try {
    spec = JSON.parse(readFileSync(file, 'utf8')) as ClusterSpec;
  } catch (e) {
    throw new Error(`cannot read the cluster spec ${file}: ${(e as Error).message}`);
  }
  if (!spec || !Array.isArray(spec.nodes) || typeof spec.broker !== 'object')
    throw new Error(`${file} is not a cluster spec (no "broker" and "nodes")`);
  return spec;
}
