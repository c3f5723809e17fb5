// Burrow (LinkedIn's Go lag monitor, Debian package `burrow`) and the ZooKeeper it needs (Debian
// `zookeeper`), started as processes next to the exporter so that bench/exporter-scale.ts can put
// both tools' cost and lag side by side on the same broker at the same moment. Optional: when
// either package is missing, `burrowAvailable()` says why and the benchmark runs the exporter alone.
//
// ZooKeeper is Burrow's own coordination store, not part of what is compared: the benchmark
// reports Burrow's process only (as the table does), ZooKeeper's RSS on the side.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BURROW_BIN = '/usr/bin/Burrow';
const ZOOKEEPER_JARS = '/usr/share/java';
const ZOOKEEPER_MAIN = 'org.apache.zookeeper.server.ZooKeeperServerMain';

/** Undefined when Burrow and ZooKeeper are installed; else what is missing. */
export function burrowAvailable(): string | undefined {
  if (!existsSync(BURROW_BIN)) return `${BURROW_BIN} not found (Debian package burrow)`;
  if (!existsSync(join(ZOOKEEPER_JARS, 'zookeeper.jar'))) return 'ZooKeeper not found (Debian package zookeeper)';
  if (!existsSync('/usr/bin/java')) return 'java not found (a JRE, pulled in by the zookeeper package)';
  return undefined;
}

export interface SideProcess {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

function side(child: ChildProcess): SideProcess {
  child.stdout?.on('data', () => undefined);
  child.stderr?.on('data', () => undefined);
  return {
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** A standalone ZooKeeper on `port` with its data in `dir` (ZooKeeperServerMain <port> <dataDir>). */
export function startZooKeeper(port: number, dir: string): SideProcess {
  mkdirSync(dir, { recursive: true });
  // Debian's zookeeper.jar names its dependencies in its manifest (Class-Path), as the package's
  // own /etc/zookeeper/conf/environment relies on.
  return side(
    spawn(
      'java',
      [
        '-Xmx128m',
        '-Dzookeeper.admin.enableServer=false',
        '-cp',
        join(ZOOKEEPER_JARS, 'zookeeper.jar'),
        ZOOKEEPER_MAIN,
        String(port),
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
}

export interface BurrowSetup {
  dir: string;
  zookeeperPort: number;
  httpPort: number;
  brokers: string[];
  /** Seconds between topic-metadata and end-offset refreshes (the exporter's interval). */
  intervalSeconds: number;
  cluster: string;
}

/** Burrow 1.2 with an in-memory store, reading commits from __consumer_offsets from the start. */
export function startBurrow(s: BurrowSetup): SideProcess {
  mkdirSync(s.dir, { recursive: true });
  const servers = JSON.stringify(s.brokers);
  const toml = `[general]
pidfile="${join(s.dir, 'burrow.pid')}"
stdout-logfile="${join(s.dir, 'burrow.out')}"

[logging]
filename="${join(s.dir, 'burrow.log')}"
level="warn"

[zookeeper]
servers=["127.0.0.1:${s.zookeeperPort}"]
timeout=6
root-path="/burrow"

[client-profile.bench]
client-id="burrow-bench"
kafka-version="2.0.0"

[cluster.${s.cluster}]
class-name="kafka"
servers=${servers}
client-profile="bench"
topic-refresh=${s.intervalSeconds}
offset-refresh=${s.intervalSeconds}

[consumer.${s.cluster}]
class-name="kafka"
cluster="${s.cluster}"
servers=${servers}
client-profile="bench"
offsets-topic="__consumer_offsets"
start-latest=false

[httpserver.default]
address="127.0.0.1:${s.httpPort}"

[storage.default]
class-name="inmemory"
workers=20
intervals=10
expire-group=604800
min-distance=1
`;
  const config = join(s.dir, 'burrow.toml');
  writeFileSync(config, toml);
  return side(spawn(BURROW_BIN, ['--config-dir', s.dir], { cwd: s.dir, stdio: ['ignore', 'pipe', 'pipe'] }));
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** Groups Burrow knows on `cluster`. */
export async function burrowGroups(httpPort: number, cluster: string): Promise<string[]> {
  const body = await getJson<{ consumers?: string[] }>(`http://127.0.0.1:${httpPort}/v3/kafka/${cluster}/consumer`);
  return body.consumers ?? [];
}

/** Burrow's total lag of each group (its /lag endpoint's status.totallag). */
export async function burrowTotalLag(httpPort: number, cluster: string, groups: readonly string[]) {
  const out = new Map<string, number>();
  for (const g of groups) {
    try {
      const body = await getJson<{ status?: { totallag?: number } }>(
        `http://127.0.0.1:${httpPort}/v3/kafka/${cluster}/consumer/${encodeURIComponent(g)}/lag`,
      );
      if (body.status?.totallag !== undefined) out.set(g, body.status.totallag);
    } catch {
      // A group Burrow has not evaluated yet has no lag: it counts as a disagreement.
    }
  }
  return out;
}
