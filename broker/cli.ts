// `kafka-sre broker`: runs the reference cluster. One broker runs in this process; more run as a
// cluster, each broker its own OS process (`kafka-sre broker-node`, hidden) under a launcher with
// an admin API (broker/cluster/).
//   kafka-sre broker --brokers 1 --data-dir DIR --port 9092 --metrics-port 7071
//   kafka-sre broker --brokers 3 [--controllers 3] [--advertise 0:client=127.0.0.1:39092 ...]
// Prints where it listens; SIGINT/SIGTERM stop it cleanly (controlled shutdown, logs flushed).
import { InvalidArgumentError, type Command } from 'commander';
import { contextFor, parsePortFlag } from '../common/command/index.js';
import type { ConfigInput } from '../common/config/index.js';
import { RuntimeFailure, UsageError, brokerListenerPort, brokerMetricsPort, type Logger } from '../common/index.js';
import { startBroker } from './broker.js';
import { startAdminApi } from './cluster/admin-api.js';
import { ClusterLauncher } from './cluster/launcher.js';
import { watchLauncher } from './cluster/parent-watch.js';
import { NODE_STOP_BOUND_MS } from './cluster/stop-bounds.js';
import { buildClusterSpec, parseAdvertise, readClusterSpec } from './cluster/spec.js';
import { nodeLineFormatter } from './cluster/node-output.js';
import { brokerConfigFor, type BrokerConfig, type ClusterSpec } from './config.js';

interface BrokerFlags {
  brokers?: number;
  controllers?: number;
  advertise?: string[];
  launcherPort?: number;
  dataDir?: string;
  port?: number;
  interBrokerPort?: number;
  controllerPort?: number;
  metricsPort?: number;
  host?: string;
  autoCreateTopics?: boolean;
  securityProtocol?: string;
  saslUser?: string[];
  superUser?: string[];
  authorizer?: boolean;
}

/** --sasl-user NAME=ENV_VAR: the password is read from the variable, never from the command line. */
const saslUser = (v: string, prev: string[] = []): string[] => {
  if (!/^[^=]+=[A-Za-z_][A-Za-z0-9_]*$/.test(v))
    throw new InvalidArgumentError(`${JSON.stringify(v)} is not NAME=ENV_VAR`);
  return [...prev, v];
};

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${JSON.stringify(v)} is not a positive integer`);
  return n;
};

/**
 * Resolves with the first SIGINT/SIGTERM; handlers go in before anything is printed. With
 * `watchParent` the launcher's death counts too (broker/cluster/parent-watch.ts), reported as
 * `orphaned` so the node skips the controlled shutdown: its peers are stopping at the same moment.
 */
function onStopSignal(watchParent = false): {
  wait: Promise<{ reason: string; orphaned: boolean }>;
  release: () => void;
} {
  let got = false;
  let fire: (v: { reason: string; orphaned: boolean }) => void = () => undefined;
  const wait = new Promise<{ reason: string; orphaned: boolean }>((resolve) => (fire = resolve));
  const handler = (reason: string, orphaned = false) => {
    if (got) return;
    got = true;
    fire({ reason, orphaned });
  };
  // (Signal listeners get the signal number as a second argument: not an `orphaned` flag.)
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
  const unwatch = watchParent ? watchLauncher((reason) => handler(reason, true)) : () => undefined;
  return { wait, release: unwatch };
}

async function runLauncher(spec: ClusterSpec, logger: Logger, logLevel: string, prettyNodes: boolean): Promise<void> {
  const stop = onStopSignal();
  // A node's own "listening on" line is not passed through: the launcher prints every node's line
  // (with its pid) once all of them serve, so /listening on/ in its output means the cluster is ready.
  const formatLine = nodeLineFormatter(prettyNodes);
  const onNodeOutput = (id: number, line: string) => {
    if (!/^broker \d+ listening on /.test(line)) process.stderr.write(`${formatLine(id, line)}\n`);
  };
  const launcher = new ClusterLauncher(spec, logger.child({ part: 'launcher' }), { logLevel, onNodeOutput });
  try {
    await Promise.race([
      launcher.start(),
      stop.wait.then(() => Promise.reject(new RuntimeFailure('stopped while starting'))),
    ]);
  } catch (e) {
    await launcher.stopAll();
    throw e instanceof RuntimeFailure ? e : new RuntimeFailure(`the cluster failed to start: ${(e as Error).message}`);
  }
  const host = spec.broker.host === '0.0.0.0' ? '127.0.0.1' : spec.broker.host;
  const admin = await startAdminApi(launcher, '127.0.0.1', spec.broker.launcherPort, logger);
  for (const n of spec.nodes) {
    process.stdout.write(
      `broker ${n.nodeId} listening on ${host}:${n.bind.client.port} (pid ${launcher.node(n.nodeId).child?.pid}, data ${spec.broker.dataDir}/broker-${n.nodeId}${n.voter ? ', controller voter' : ''}), metrics on http://${host}:${n.bind.metrics.port}/metrics\n`,
    );
  }
  process.stdout.write(
    `cluster launcher admin API on ${admin.url} (GET /nodes, /cluster; POST /nodes/ID/kill|stop|restart|pause|resume; PUT /nodes/ID/log-dir-capacity)\n`,
  );
  const { reason } = await stop.wait;
  logger.info(`${reason} received, stopping the cluster (controlled shutdown of every broker)`);
  // The nodes stop right away, in parallel with the admin API: a client holding an HTTP
  // connection open must not delay them (closeAllConnections ends those).
  const closed = new Promise<void>((resolve) => admin.server.close(() => resolve()));
  admin.server.closeAllConnections();
  await Promise.all([launcher.stopAll(), closed]);
  process.stdout.write('cluster stopped\n');
}

/** `kafka-sre broker-node`: one node of a cluster, started by the launcher. */
async function runClusterNode(specFile: string, nodeId: number, logger: Logger): Promise<void> {
  const stop = onStopSignal(true);
  try {
    let spec: ClusterSpec;
    try {
      spec = readClusterSpec(specFile);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const me = spec.nodes.find((n) => n.nodeId === nodeId);
    if (!me) throw new UsageError(`node ${nodeId} is not in ${specFile}`);
    const config: BrokerConfig = {
      ...brokerConfigFor(spec.broker, nodeId, me.bind.client.port, me.bind.metrics.port),
      host: me.bind.client.host,
      advertisedHost: me.advertised.client.host,
    };
    // The bound on a stop (broker/cluster/stop-bounds.ts) runs from the moment it is asked for,
    // during the start too: a stop stuck on anything must still end the process, whether or not a
    // launcher is left to SIGKILL it. A start still waiting for registration is aborted.
    const aborted = new AbortController();
    void stop.wait.then(() => {
      aborted.abort();
      setTimeout(() => {
        logger.error(`broker ${nodeId} did not stop within ${NODE_STOP_BOUND_MS} ms; exiting`);
        process.exit(1);
      }, NODE_STOP_BOUND_MS).unref();
    });
    let broker;
    try {
      broker = await startBroker(config, logger.child({ node: nodeId }), spec, { signal: aborted.signal });
    } catch (e) {
      if (aborted.signal.aborted) {
        process.stdout.write(`broker ${nodeId} stopped while starting\n`);
        exitSoonAfterStop(logger);
        return;
      }
      throw new RuntimeFailure(`broker ${nodeId} failed to start: ${(e as Error).message}`);
    }
    process.stdout.write(
      `broker ${nodeId} listening on ${me.bind.client.host}:${broker.port} (data ${config.brokerDir}), metrics on http://${me.bind.metrics.host}:${broker.metricsPort}/metrics\n`,
    );
    const { reason, orphaned } = await stop.wait;
    logger.info(`${reason}: stopping broker ${nodeId}${orphaned ? ' (launcher gone: no controlled shutdown)' : ''}`);
    await broker.stop({ controlled: !orphaned });
    process.stdout.write(`broker ${nodeId} stopped\n`);
    exitSoonAfterStop(logger);
  } finally {
    stop.release();
  }
}

/**
 * A stopped node has nothing left to do: if a handle (a timer, a socket) still holds the event
 * loop 2 s later, name what is open (a leak to fix where it lives) and exit anyway, so a SIGTERM
 * never ends in the launcher's SIGKILL. The timer is unref'd: a clean stop exits at once.
 */
function exitSoonAfterStop(logger: Logger): void {
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap');
    logger.warn({ open }, 'handles still open 2 s after the node stopped; exiting');
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  }, 2000).unref();
}

const flag =
  <T>(parse: (v: string) => T) =>
  (v: string) => {
    try {
      return parse(v);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };

function securityFlags(opts: BrokerFlags): Record<string, unknown> {
  const security: Record<string, unknown> = {
    ...(opts.securityProtocol !== undefined ? { listener: opts.securityProtocol } : {}),
    ...(opts.saslUser
      ? {
          users: Object.fromEntries(
            opts.saslUser.map((u) => [u.slice(0, u.indexOf('=')), { passwordEnv: u.slice(u.indexOf('=') + 1) }]),
          ),
        }
      : {}),
    ...(opts.superUser ? { superUsers: opts.superUser } : {}),
    ...(opts.authorizer ? { authorizer: true } : {}),
  };
  return Object.keys(security).length > 0 ? { security } : {};
}

export function registerBrokerCommands(program: Command): void {
  program
    .command('broker')
    .description('run the Kafka-protocol reference broker')
    .option(
      '--brokers <n>',
      'number of brokers (more than 1: each its own process under a launcher)',
      flag(positiveInt),
    )
    .option(
      '--controllers <n>',
      'controller quorum voters among the brokers (default 3, at most --brokers)',
      flag(positiveInt),
    )
    .option(
      '--advertise <node:listener=host:port>',
      'advertise another address for a listener (client, interBroker, controller), e.g. a proxy (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--launcher-port <port>', 'admin API port of the cluster launcher (default 7070)', flag(parsePortFlag))
    .option('--data-dir <dir>', 'data directory (broker i keeps its logs in DIR/broker-i)')
    .option(
      '--port <port>',
      'client port of broker 0 (+100 per broker; unless given, inter-broker and controller ports follow it: +10, +20)',
      flag(parsePortFlag),
    )
    .option(
      '--inter-broker-port <port>',
      'inter-broker (replication) port of broker 0 (+100 per broker; default 19092, or --port + 10)',
      flag(parsePortFlag),
    )
    .option(
      '--controller-port <port>',
      'controller (Raft) port of broker 0 (+100 per broker; default 29092, or --port + 20)',
      flag(parsePortFlag),
    )
    .option('--metrics-port <port>', '/metrics port of broker 0 (+1 per broker)', flag(parsePortFlag))
    .option('--host <host>', 'bind address (advertised to clients)')
    .option('--no-auto-create-topics', 'do not create unknown topics on metadata/produce requests')
    .option(
      '--security-protocol <protocol>',
      'client listener: PLAINTEXT, SASL_PLAINTEXT, SSL or SASL_SSL (TLS files: broker.security.tls in the config)',
    )
    .option(
      '--sasl-user <name=ENV_VAR>',
      'a SASL user whose password is in the environment variable ENV_VAR (repeatable)',
      saslUser,
    )
    .option(
      '--super-user <principal>',
      'a super user, e.g. User:admin (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--authorizer', 'enforce ACLs (broker.security.authorizer)')
    .action(async (opts: BrokerFlags, cmd: Command) => {
      const ctx = contextFor(cmd);
      const flags: ConfigInput = {
        broker: {
          ...(opts.brokers !== undefined ? { brokers: opts.brokers } : {}),
          ...(opts.controllers !== undefined ? { controllers: opts.controllers } : {}),
          ...(opts.launcherPort !== undefined ? { launcherPort: opts.launcherPort } : {}),
          ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
          ...(opts.port !== undefined ? { port: opts.port } : {}),
          ...(opts.interBrokerPort !== undefined ? { interBrokerPort: opts.interBrokerPort } : {}),
          ...(opts.controllerPort !== undefined ? { controllerPort: opts.controllerPort } : {}),
          ...(opts.metricsPort !== undefined ? { metricsPort: opts.metricsPort } : {}),
          ...(opts.host !== undefined ? { host: opts.host } : {}),
          ...(opts.autoCreateTopics === false ? { autoCreateTopics: false } : {}),
          ...securityFlags(opts),
        },
      };
      const config = ctx.config(flags);
      const logger = ctx.logger().child({ component: 'broker' });
      const section = config.broker;
      if (section.brokers > 1) {
        let advertise;
        try {
          advertise = parseAdvertise(opts.advertise ?? [], section.brokers);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        await runLauncher(
          buildClusterSpec(section, advertise),
          logger,
          config.log.level,
          process.stderr.isTTY === true && config.log.json !== true,
        );
        return;
      }
      if ((opts.advertise ?? []).length > 0) throw new UsageError('--advertise needs a cluster (--brokers 2 or more)');
      const i = 0;
      const bc = brokerConfigFor(
        section,
        i,
        brokerListenerPort(section.port, i),
        brokerMetricsPort(section.metricsPort, i),
      );
      // Signal handlers go in before anything is printed: a supervisor may signal as soon as it
      // reads the "listening" line, and without a listener the default action kills the process.
      let signalled: string | null = null;
      let onStopRequest: (() => void) | null = null;
      const onSignal = (sig: string) => {
        if (signalled) return;
        signalled = sig;
        onStopRequest?.();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let broker;
      try {
        broker = await startBroker(bc, logger);
      } catch (e) {
        throw new RuntimeFailure(`broker ${i} failed to start: ${(e as Error).message}`);
      }
      process.stdout.write(
        `broker ${broker.nodeId} listening on ${bc.host}:${broker.port} (data ${bc.brokerDir})` +
          (broker.metricsPort !== null ? `, metrics on http://${bc.host}:${broker.metricsPort}/metrics` : '') +
          '\n',
      );
      const running = broker;
      await new Promise<void>((resolve) => {
        onStopRequest = () => {
          logger.info(`${signalled} received, stopping broker ${running.nodeId}`);
          running.stop().then(
            () => resolve(),
            (e: unknown) => {
              logger.error({ err: e }, 'shutdown failed');
              resolve();
            },
          );
        };
        if (signalled) onStopRequest();
      });
      process.stdout.write(`broker ${broker.nodeId} stopped\n`);
    });
  program
    .command('broker-node', { hidden: true })
    .description('one broker of a cluster (started by the launcher of `kafka-sre broker --brokers N`)')
    .requiredOption('--spec <file>', 'cluster spec written by the launcher (DIR/cluster.json)')
    .requiredOption(
      '--node-id <id>',
      'this node',
      flag((v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new Error(`${JSON.stringify(v)} is not a node id`);
        return n;
      }),
    )
    .action(async (opts: { spec: string; nodeId: number }, cmd: Command) => {
      const ctx = contextFor(cmd);
      await runClusterNode(opts.spec, opts.nodeId, ctx.logger().child({ component: 'broker' }));
    });
}
