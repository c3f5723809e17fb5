// Prometheus and Alertmanager for `kafka-sre up`: generates the rules, scrape config and
// alertmanager.yml for the reference cluster into alerts.up.dir, then runs the real binaries
// (Debian packages prometheus and prometheus-alertmanager) on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunningService, ServiceStarter } from '../common/command/index.js';
import type { ToolkitConfig } from '../common/config/index.js';
import { RuntimeFailure, freePort, portOpen } from '../common/index.js';
import { generateFiles, OUTPUT_LAYOUT, referenceCluster } from './generate.js';
import { writeFiles } from './write.js';

const HOST = '127.0.0.1';

async function pickPort(wanted: number): Promise<number> {
  return wanted !== 0 ? wanted : freePort();
}

interface Child {
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Start `command`, resolve once `port` accepts connections; fail with its output otherwise. */
async function startBinary(command: string, pkg: string, args: string[], port: number): Promise<Child> {
  if (await portOpen(port))
    throw new RuntimeFailure(
      `${command}: port ${HOST}:${port} is already in use (set alerts.up.*Port, 0 picks a free one)`,
    );
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-4000));
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => proc.once('exit', () => done()));
  let gone = false;
  void exited.then(() => (gone = true));
  const failed = new Promise<never>((_, reject) => {
    proc.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new RuntimeFailure(
          e.code === 'ENOENT'
            ? `${command} not found: install the Debian package ${pkg} (apt-get install ${pkg})`
            : `${command}: ${e.message}`,
        ),
      ),
    );
    void exited.then(() => reject(new RuntimeFailure(`${command} exited early:\n${out}`)));
  });
  const stop = async () => {
    if (gone || proc.pid === undefined) return;
    process.kill(proc.pid, 'SIGTERM');
    const timer = setTimeout(() => !gone && proc.pid !== undefined && process.kill(proc.pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  const ready = (async () => {
    while (Date.now() < deadline) {
      if (await portOpen(port)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new RuntimeFailure(`${command} did not listen on ${HOST}:${port} within 30 s:\n${out}`);
  })();
  try {
    await Promise.race([ready, failed]);
  } catch (e) {
    await stop();
    throw e;
  }
  failed.catch(() => undefined);
  return { proc, stop };
}

/** Generate the alerting files for `config` under alerts.up.dir with the chosen Alertmanager port. */
export function writeUpFiles(config: ToolkitConfig, alertmanagerPort: number): string {
  const dir = resolve(config.alerts.up.dir);
  // `up` runs neither a game-day runner nor the fault proxy: scraping them would only show two
  // targets down (and a drill run alongside has its own Prometheus).
  const alerts = {
    ...config.alerts,
    scrape: { ...config.alerts.scrape, alertmanagers: [`${HOST}:${alertmanagerPort}`], gamedayMetricsPort: 0 },
  };
  writeFiles(dir, generateFiles(alerts, { reference: { ...referenceCluster(config), proxyPort: 0 } }));
  return dir;
}

export const alertingService: ServiceStarter = {
  name: 'prometheus+alertmanager',
  async start({ config, logger }): Promise<RunningService> {
    const amPort = await pickPort(config.alerts.up.alertmanagerPort);
    const promPort = await pickPort(config.alerts.up.prometheusPort);
    const dir = writeUpFiles(config, amPort);
    mkdirSync(join(dir, 'data'), { recursive: true });
    const am = await startBinary(
      'prometheus-alertmanager',
      'prometheus-alertmanager',
      [
        `--config.file=${join(dir, OUTPUT_LAYOUT.alertmanager)}`,
        `--storage.path=${join(dir, 'data', 'alertmanager')}`,
        `--web.listen-address=${HOST}:${amPort}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      amPort,
    );
    let prom: Child;
    try {
      prom = await startBinary(
        'prometheus',
        'prometheus',
        [
          `--config.file=${join(dir, OUTPUT_LAYOUT.prometheusConfig)}`,
          `--storage.tsdb.path=${join(dir, 'data', 'prometheus')}`,
          `--web.listen-address=${HOST}:${promPort}`,
          '--log.level=warn',
        ],
        promPort,
      );
    } catch (e) {
      await am.stop();
      throw e;
    }
    logger.info(
      { dir, prometheus: promPort, alertmanager: amPort },
      'prometheus and alertmanager started with the generated rules',
    );
    return {
      name: 'prometheus+alertmanager',
      endpoints: [
        { what: 'Prometheus (generated rules loaded)', url: `http://${HOST}:${promPort}` },
        { what: 'Alertmanager', url: `http://${HOST}:${amPort}` },
        { what: 'runbooks', url: join(dir, OUTPUT_LAYOUT.runbooks) },
      ],
      stop: async () => {
        await prom.stop();
        await am.stop();
      },
    };
  },
};
