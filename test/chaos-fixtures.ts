// Real Prometheus for the chaos runner's tests: a rules file with an always-firing alert
// (`vector(1) > 0`) and a never-firing one, evaluated every second, on a free loopback port.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { freePort } from './support/ports.js';
import type { ProcessFixture, RunningProcess } from './support/processes.js';

export interface TestPrometheus {
  url: string;
  port: number;
  dir: string;
  proc: RunningProcess;
}

export const alwaysFiringRules = `groups:
  - name: chaos-test
    interval: 1s
    rules:
      - alert: ChaosTestAlwaysFiring
        expr: vector(1) > 0
        labels: { severity: test }
      - alert: ChaosTestNeverFiring
        expr: vector(0) > 0
        labels: { severity: test }
`;

// Registered at import (file level): an `after` called inside a hook or test would run when
// that hook's test ends, deleting the directory while the file still uses it.
const dirs: string[] = [];
after(async () => {
  // KAFKA_SRE_KEEP_TMP=1 keeps them (data dirs, logs, reports) for a post-mortem of a failed drill.
  if (process.env.KAFKA_SRE_KEEP_TMP) return;
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export async function startPrometheus(
  fx: ProcessFixture,
  rules = alwaysFiringRules,
  scrapeTargets: string[] = [],
  alertmanager?: string,
): Promise<TestPrometheus> {
  const dir = await tempDir('chaos-prom-');
  const port = await freePort();
  await writeFile(join(dir, 'rules.yml'), rules);
  const scrape = scrapeTargets.length
    ? `scrape_configs:\n  - job_name: targets\n    static_configs: [{ targets: [${scrapeTargets.map((t) => `"${t}"`).join(', ')}] }]\n`
    : '';
  await writeFile(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: [rules.yml]\n${scrape}${alertmanager ? `alerting:\n  alertmanagers: [{ static_configs: [{ targets: ["${alertmanager}"] }] }]\n` : ''}`,
  );
  const proc = await fx.start(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      '--log.level=warn',
    ],
    { readyPort: port, name: 'prometheus', cwd: dir },
  );
  return { url: `http://127.0.0.1:${port}`, port, dir, proc };
}
