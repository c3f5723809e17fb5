// The stack a game day runs against, started by a test: chaos/embedded/stack.ts (the replicated
// reference cluster behind a proxy per broker listener, the exporter, Prometheus with the generated
// rules at drill speed), its processes started through the test's fixture so every PID is tracked.
// The generated scrape config also has the jobs for the proxy's toxiproxy_proxy_* counters and the
// chaos runner's kafka_sre_gameday_* gauges (served on a fixed port while a drill runs), which the
// game-day dashboard's fault-only panels read. `runDrill` runs `kafka-sre chaos run` on a spec whose
// target is this stack (target.kind existing, so the stack outlives one drill).
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { EMBEDDED_CLUSTER, startEmbeddedStack, type EmbeddedStack } from '../chaos/embedded/stack.js';
import { runCli, waitFor, type ProcessFixture } from './support/processes.js';

export const BROKERS = 3;
/** The cluster name: the generated scrape config's default, the exporter's cluster. */
export const CLUSTER = EMBEDDED_CLUSTER;

export interface GameDayStack {
  dir: string;
  embedded: EmbeddedStack;
  promUrl: string;
  /** Where each drill's runner serves its metrics (`chaos run --metrics-port`), scraped by Prometheus. */
  runnerMetricsPort: number;
  /** Client bootstrap addresses (the proxies). */
  bootstrap: string[];
  /** The spec's `target` section for this stack (YAML flow mapping). */
  target: string;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Alerts given a 2 s `for` (the generated rules otherwise keep their production `for`). */
  drillAlerts: string[];
  /** `alerts.thresholds` overrides (e.g. a lag threshold a short drill can cross); default production. */
  thresholds?: Record<string, number>;
  /** Also route the controller (Raft) listener through a proxy (needed by broker-isolate). */
  proxyControllers?: boolean;
  /** `alerts.windows` overrides (short rate/rebalancing windows so event alerts clear within a drill); default production. */
  alertWindows?: Record<string, string>;
  /** Extra `broker` config (e.g. `security` for SASL + ACLs, a short logRetentionCheckIntervalMs). */
  broker?: Record<string, unknown>;
  /** Credentials the exporter authenticates with when the client listener is SASL. */
  exporterSasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; passwordEnv: string };
  /** Per-alert `for` instead of the 2 s drillAlerts get (e.g. the controller re-election a drill tolerates). */
  drillFor?: Record<string, string>;
}

export async function startGameDayStack(fx: ProcessFixture, dir: string, opts: StackOptions): Promise<GameDayStack> {
  const embedded = await startEmbeddedStack({
    dir,
    brokers: BROKERS,
    controllers: 3,
    drillAlerts: opts.drillAlerts,
    thresholds: opts.thresholds ?? {},
    windows: opts.alertWindows ?? {},
    forOverrides: opts.drillFor ?? {},
    proxyControllers: opts.proxyControllers,
    broker: opts.broker,
    exporterSasl: opts.exporterSasl,
    logLevel: process.env.KAFKA_SRE_LOG_LEVEL,
    startChild: (command, args, o) => fx.start(command, args, o),
  });
  await embedded.waitHealthy(90_000);
  return {
    dir,
    embedded,
    promUrl: embedded.prometheusUrl,
    runnerMetricsPort: embedded.runnerMetricsPort,
    bootstrap: embedded.bootstrap,
    target: `{ kind: existing, name: gameday-cluster, bootstrapServers: [${embedded.bootstrap.join(', ')}], prometheusUrl: ${embedded.prometheusUrl}, proxyApiUrl: ${embedded.proxyApiUrl}, launcherUrl: ${embedded.launcherUrl} }`,
    async stop() {
      await embedded.stop();
      // Kept with the data dirs for a post-mortem (test/chaos-fixtures.ts).
      if (process.env.KAFKA_SRE_KEEP_TMP) writeFileSync(join(dir, 'cluster.log'), embedded.clusterOutput());
    },
  };
}

async function promQuery(promUrl: string, q: string): Promise<number> {
  const body = (await (await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
    data: { result: { value: [number, string] }[] };
  };
  return Number(body.data.result[0]?.value[1] ?? 0);
}

/** A clean start for the next drill: the cluster healthy, every broker scraped, none of `alerts` pending or firing. */
export async function settle(stack: GameDayStack, alerts: string[]): Promise<void> {
  await stack.embedded.waitHealthy(90_000);
  let active: string[] = [];
  await waitFor(
    'every broker scraped and no drill alert pending or firing',
    async () => {
      const body = (await (await fetch(`${stack.promUrl}/api/v1/alerts`)).json()) as {
        data: { alerts: { labels: { alertname: string } }[] };
      };
      active = body.data.alerts.map((a) => a.labels.alertname).filter((n) => alerts.includes(n));
      return (await promQuery(stack.promUrl, 'sum(up{job="kafka-broker"})')) === BROKERS && active.length === 0;
    },
    120_000,
    1000,
  ).catch((e: Error) => assert.fail(`${e.message}; still active: ${active.join(', ')}`));
}

export interface DrillResult {
  code: number;
  stdout: string;
  report: string;
  /** When the data check found lost writes: whether another fresh consumer finds them in the topic, and the HWs. */
  lossDiagnosis?: string;
}

/** Writes the spec (its `target` replaced by the stack's), runs `chaos run --report`, returns the outcome. */
export async function runDrill(
  stack: GameDayStack,
  name: string,
  specYaml: string,
  timeoutMs = 170_000,
): Promise<DrillResult> {
  const spec = join(stack.dir, `${name}.yaml`);
  const body = specYaml.replace(/^target:\n(?: {2}.*\n)*/m, '').replace(/^target: \{.*\}\n/m, '');
  await writeFile(spec, `target: ${stack.target}\n${body}`);
  const report = join(stack.dir, `report-${name}`);
  const r = await runCli(
    [
      'chaos',
      'run',
      spec,
      '--report',
      report,
      '--state-dir',
      join(stack.dir, 'state'),
      '--metrics-port',
      String(stack.runnerMetricsPort),
      '--quiet',
    ],
    { timeoutMs },
  );
  const out: DrillResult = { code: r.code ?? -1, stdout: `${r.stdout}\n${r.stderr}`, report };
  if (r.code !== 0 && /FAIL data: .*lost-write [1-9]/.test(r.stdout))
    // A diagnosis that cannot run (e.g. a SASL stack this plain client cannot read) must not hide
    // the drill's own verdict lines.
    out.lossDiagnosis = await diagnoseLoss(stack, report).catch((e: Error) => `no diagnosis: ${e.message}`);
  return out;
}

/** Report files a finished drill must leave. */
export function assertReports(d: DrillResult): void {
  for (const f of ['journal.json', 'junit.xml', 'report.html'])
    assert.ok(existsSync(join(d.report, f)), `${f} written to ${d.report}`);
}

/**
 * Tells broker-side loss from a consumer-side miss: reads the whole topic with a fresh consumer
 * and reports which of the lost records (the journal's sample) the log still holds, and the HWs.
 */
async function diagnoseLoss(stack: GameDayStack, report: string): Promise<string> {
  // Journal events carry their fields next to `type` (journal.ts).
  type Ev = { type: string; lostWriteSample?: string[] };
  const journal = JSON.parse(await readFile(join(report, 'journal.json'), 'utf8')) as { events: Ev[] } | Ev[];
  const events = Array.isArray(journal) ? journal : journal.events;
  // Samples are "<id>@p<partition>".
  const sample = (events.find((e) => e.type === 'data-check')?.lostWriteSample ?? []).map((s) =>
    s.replace(/@p\d+$/, ''),
  );
  const spec = await readFile(join(stack.dir, `${report.split('report-')[1]}.yaml`), 'utf8');
  const topic = /^\s+topic: (\S+)/m.exec(spec)?.[1];
  if (!topic || sample.length === 0) return 'no lost sample in the journal';
  const kafka = new Kafka({ clientId: 'gameday-diagnosis', brokers: stack.bootstrap, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `gameday-diagnosis-${Date.now()}` });
  const found: string[] = [];
  let read = 0;
  let last = Date.now();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      read++;
      last = Date.now();
      const id = message.headers?.['kafka-sre-gameday-id']?.toString();
      if (id && sample.includes(id)) found.push(`${id}@${partition}/${message.offset}`);
    },
  });
  while (Date.now() - last < 8000) await new Promise((r) => setTimeout(r, 500));
  await consumer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  const hw = (await admin.fetchTopicOffsets(topic)).map((p) => `p${p.partition}:${p.high}`).join(' ');
  await admin.disconnect();
  return `a fresh consumer read ${read} records of ${topic} (HW ${hw}); of ${sample.length} lost ids in the sample, ${found.length} are in the log${found.length ? `: ${found.join(', ')}` : ' (broker-side loss of acknowledged records)'}`;
}
