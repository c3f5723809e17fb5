// `kafka-sre chaos ...`: game-day commands. `chaos proxy` runs the Toxiproxy-compatible fault
// proxy server until SIGINT/SIGTERM.
import { InvalidArgumentError, type Command } from 'commander';
import { contextFor, parseIntFlag, parsePortFlag } from '../common/command/index.js';
import { RuntimeFailure, UsageError } from '../common/index.js';
import { isLoopback } from './proxy/address.js';
import { readPopulateFile, startProxyServer } from './proxy/server.js';
import type { PopulateEntry } from './proxy/proxy-collection.js';
import { registerChaosRunnerCommands } from './runner/cli.js';

/** Turn a flag parser's Error into commander's usage error (exit 2, with the help hint). */
function asFlagParser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

interface ProxyFlags {
  host?: string;
  port?: number;
  config?: string;
  proxyMetrics?: boolean;
  runtimeMetrics?: boolean;
  seed?: number;
}

/**
 * The root program also has `-c, --config <file>` (the toolkit's YAML) and commander lets it
 * claim `--config` anywhere on the line. For `chaos proxy`, a `--config` after the subcommand is
 * Toxiproxy's populate file; one before it stays the toolkit config.
 */
export function splitConfigFlags(rawArgs: readonly string[]): { toolkit?: string; populate?: string } {
  const chaosAt = rawArgs.indexOf('chaos');
  const subAt = chaosAt >= 0 ? rawArgs.indexOf('proxy', chaosAt) : -1;
  const out: { toolkit?: string; populate?: string } = {};
  for (let i = 2; i < rawArgs.length; i++) {
    const a = rawArgs[i];
    let value: string | undefined;
    if (a === '--config' || a === '-c') value = rawArgs[++i];
    else if (a.startsWith('--config=')) value = a.slice('--config='.length);
    else if (a.startsWith('-c') && a.length > 2 && !a.startsWith('--')) value = a.slice(2);
    else continue;
    if (subAt >= 0 && i > subAt && a !== '-c' && !(a.startsWith('-c') && !a.startsWith('--'))) out.populate = value;
    else out.toolkit = value;
  }
  return out;
}

export function registerChaosCommands(program: Command): Command {
  const chaos = program
    .command('chaos')
    .description('game days: run, schedule and history of drills, and the Toxiproxy-compatible fault proxy');
  chaos
    .command('proxy')
    .description('run the Toxiproxy-compatible fault proxy server (drive it with any Toxiproxy client)')
    .option('--host <host>', 'API bind address; anything but loopback must be given explicitly (default 127.0.0.1)')
    .option('--port <port>', 'API port, 0 picks a free one (default 8474)', asFlagParser(parsePortFlag))
    .option(
      '--config <file>',
      'JSON file of proxies to create at start, Toxiproxy format: [{"name","listen","upstream","enabled"}]',
    )
    .option('--proxy-metrics', 'serve toxiproxy_proxy_{received,sent}_bytes_total on /metrics')
    .option('--runtime-metrics', 'serve Node runtime metrics on /metrics')
    .option('--seed <n>', 'seed for toxicity rolls, jitter and slicing (replayable runs)', asFlagParser(parseIntFlag))
    .hook('preAction', (cmd) => {
      const root = program;
      // commander keeps the argv it parsed in `rawArgs` (not in its type declarations).
      const { toolkit, populate } = splitConfigFlags((root as unknown as { rawArgs: string[] }).rawArgs);
      root.setOptionValue('config', toolkit);
      if (populate !== undefined) cmd.setOptionValue('config', populate);
    })
    .action(async (flags: ProxyFlags, cmd: Command) => {
      const ctx = contextFor(cmd);
      const config = ctx.config({
        proxy: {
          host: flags.host,
          port: flags.port,
          populate: flags.config,
          proxyMetrics: flags.proxyMetrics,
          runtimeMetrics: flags.runtimeMetrics,
          seed: flags.seed,
        },
      }).proxy;
      const logger = ctx.logger().child({ component: 'proxy' });
      let populate: PopulateEntry[] | undefined;
      if (config.populate) {
        try {
          populate = await readPopulateFile(config.populate);
        } catch (e) {
          throw new UsageError(`--config: ${(e as Error).message}`);
        }
      }
      let server;
      try {
        server = await startProxyServer({ ...config, populate, logger });
      } catch (e) {
        throw new RuntimeFailure(`proxy server failed to start: ${(e as Error).message}`);
      }
      if (!isLoopback(server.host))
        logger.warn(
          { host: server.host },
          'the proxy API listens beyond loopback: anyone who can reach it can inject faults',
        );
      // Handlers first: a supervisor may signal as soon as it reads the "listening" line.
      const stopped = new Promise<void>((resolve) => {
        const stop = (sig: string) => {
          process.stderr.write(`kafka-sre chaos proxy: ${sig} received, stopping\n`);
          void server.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      const lines = [`kafka-sre chaos proxy: Toxiproxy API listening on ${server.url}`];
      for (const p of server.collection.all())
        lines.push(`  proxy ${p.name}: ${p.enabled ? p.listen : `${p.listen} (disabled)`} -> ${p.upstream}`);
      process.stdout.write(lines.join('\n') + '\n');
      await stopped;
    });
  registerChaosRunnerCommands(chaos);
  return chaos;
}
