// test-budget: 240s
// The whole toolkit as `npm start` runs it (`kafka-sre up`), under a small workload: the reference
// cluster, the exporter, and a real Prometheus (generated rules, generated scrape config) with
// Alertmanager. Proves on live data what the unit tests cannot:
// - every rule group is healthy and evaluates without errors (alerts issue);
// - every catalog metric a rule reads is really emitted by the broker or the exporter;
// - every dashboard query returns data, apart from the documented fault-only ones (dashboards issue);
// - the demo workload (on by default) shows a living cluster: lag series for both demo groups, lag
//   seconds for the slow one, SLO series, every scrape target up and no alert firing for two minutes;
// - Ctrl-C (SIGINT to the process group) stops everything promptly: `up` exits 0 and no port it
//   opened is still listening.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { stringify } from 'yaml';
import { validatedModel } from '../alerts/generate.js';
import { metricUsage } from '../alerts/validate.js';
import { loadConfig } from '../common/config/load.js';
import { exporterMetrics } from '../common/metrics/exporter.js';
import { DEMO_GROUPS } from '../chaos/load/demo-workload.js';
import { checkDashboardQueries, describeFailures } from '../dashboards/live-check.js';
import { tempDir } from './broker-support.js';
import { freePort } from './support/ports.js';
import { portOpen } from '../common/free-ports.js';
import { cliEntry, processFixture, waitFor } from './support/processes.js';

const fx = processFixture();
const dir = tempDir('up-live');
const TOPIC = 'live-orders';
const GROUP = 'live-readers';

interface PromRules {
  data: { groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] };
}

/** Whether an endpoint `up` printed (URL or host:port) still accepts connections. */
const endpointOpen = (url: string) => {
  const u = new URL(url.includes('://') ? url : `tcp://${url}`);
  return portOpen(Number(u.port), u.hostname);
};

test('kafka-sre up: live rules, emitted metrics and dashboard data on a working cluster; Ctrl-C stops it all', async () => {
  const brokerPort = await freePort();
  const metricsPort = await freePort();
  const exporterPort = await freePort();
  const configFile = join(dir, 'kafka-sre.yaml');
  writeFileSync(
    configFile,
    stringify({
      broker: { brokers: 1, dataDir: join(dir, 'data'), port: brokerPort, metricsPort },
      exporter: { port: exporterPort, host: '127.0.0.1', intervalMs: 2000 },
      alerts: {
        evaluationInterval: '2s',
        scrape: { interval: '2s' },
        up: { prometheusPort: 0, alertmanagerPort: 0, dir: join(dir, 'alerting') },
      },
    }),
  );
  const up = await fx.start(process.execPath, [cliEntry, '--config', configFile, 'up'], {
    readyWhen: /Press Ctrl-C to stop/,
    readyTimeoutMs: 120_000,
    detached: true,
  });
  const urls = [...up.output().matchAll(/(https?:\/\/[\d.]+:\d+)\S*|\b(127\.0\.0\.1:\d+)\b/g)].map((m) => m[1] ?? m[2]);
  const prometheus = /Prometheus[^\n]*?(http:\/\/[\d.:]+)/.exec(up.output())?.[1];
  assert.ok(prometheus, up.output());
  // Two minutes of a healthy cluster from here on: any alert that fires meanwhile is recorded.
  const watchFrom = Date.now();
  const fired = new Set<string>();
  let watching = true;
  const alertWatch = (async () => {
    while (watching) {
      try {
        const body = (await (
          await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent('ALERTS{alertstate="firing"}')}`)
        ).json()) as { data: { result: { metric: Record<string, string> }[] } };
        for (const r of body.data.result) fired.add(`${r.metric.alertname} ${JSON.stringify(r.metric)}`);
      } catch {
        /* Prometheus still starting */
      }
      await new Promise((r) => setTimeout(r, 3000));
    }
  })();

  // Workload: a producer at a steady trickle and a consumer group committing as it reads.
  const kafka = new Kafka({ clientId: 'up-live', brokers: [`127.0.0.1:${brokerPort}`], logLevel: logLevel.NOTHING });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: true });
  const consumer: Consumer = kafka.consumer({ groupId: GROUP });
  await producer.connect();
  await producer.send({ topic: TOPIC, messages: [{ value: 'first' }] });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({ eachMessage: async () => {} });
  let sending = true;
  const trickle = (async () => {
    for (let i = 0; sending; i++) {
      await producer
        .send({
          topic: TOPIC,
          messages: Array.from({ length: 20 }, (_, j) => ({ key: `k${j % 4}`, value: `v${i}-${j}` })),
        })
        .catch(() => undefined);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();

  let interrupted = false;
  try {
    try {
      const config = loadConfig({ env: {}, flags: {} });
      // Series `up` cannot have, whose rules promtool proves: share-group lag (the demo workload has
      // no share groups), transaction series (nor transactional producers) and the fleet's shard
      // metrics (`up` runs one exporter, not a fleet).
      const notInUp = new Set<string>([
        exporterMetrics.shareGroupLag.name,
        exporterMetrics.shareGroupLagSum.name,
        exporterMetrics.transactionState.name,
        exporterMetrics.transactionOpenAge.name,
        exporterMetrics.transactionHanging.name,
        exporterMetrics.transactionAborts.name,
        exporterMetrics.partitionOpenTransactionAge.name,
        exporterMetrics.partitionHangingTransactions.name,
        exporterMetrics.exporterShardGroups.name,
        exporterMetrics.exporterShardPartitions.name,
        exporterMetrics.exporterShardGeneration.name,
        exporterMetrics.exporterListedGroups.name,
      ]);
      // Every catalog metric the rules read shows up in Prometheus (scraped from the broker or exporter).
      const wanted = [
        ...new Set(
          metricUsage(validatedModel(config.alerts))
            .filter((u) => u.verdict === 'catalog')
            .map((u) => u.name)
            .filter((n) => !notInUp.has(n)),
        ),
      ].sort();
      assert.ok(wanted.length > 20, `only ${wanted.length} catalog metrics in the rules`);
      let missing: string[] = [];
      await waitFor(
        'every catalog metric the rules use is scraped',
        async () => {
          const names = (
            (await (await fetch(`${prometheus}/api/v1/label/__name__/values`)).json()) as { data: string[] }
          ).data;
          missing = wanted.filter((n) => !names.includes(n));
          return missing.length === 0;
        },
        90_000,
        2000,
      ).catch(() => assert.fail(`metrics used by rules but not emitted: ${missing.join(', ')}`));

      // Rule groups: all evaluated, healthy, without errors.
      let unhealthy: string[] = [];
      await waitFor(
        'rule groups healthy',
        async () => {
          const body = (await (await fetch(`${prometheus}/api/v1/rules`)).json()) as PromRules;
          const rules = body.data.groups.flatMap((g) => g.rules.map((r) => ({ group: g.name, ...r })));
          unhealthy = rules
            .filter((r) => r.health !== 'ok')
            .map((r) => `${r.group}/${r.name}: ${r.health} ${r.lastError ?? ''}`);
          return rules.length > 30 && unhealthy.length === 0;
        },
        60_000,
        2000,
      ).catch(() => assert.fail(`unhealthy rules:\n${unhealthy.join('\n')}`));

      // The demo workload: both demo groups have lag series, the slow one a lag in seconds, the
      // exporter's SLO series exist, every scrape target is up and nothing fires.
      const query = async (q: string) =>
        (
          (await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
            data: { result: { metric: Record<string, string>; value: [number, string] }[] };
          }
        ).data.result;
      let demoState = '';
      await waitFor(
        'demo groups with lag series, the slow one lagging in seconds, SLO series',
        async () => {
          const lag = await query('max by (consumergroup) (kafka_consumergroup_lag)');
          const seconds = await query(`max(kafka_consumergroup_lag_seconds{consumergroup="${DEMO_GROUPS.slow}"})`);
          const slo = await query('count({__name__=~"kafka_sre_slo_.+"})');
          const groups = lag.map((r) => r.metric.consumergroup);
          demoState = `groups ${groups.join(',')}; slow lag seconds ${seconds[0]?.value[1]}; slo series ${slo[0]?.value[1]}`;
          return (
            Object.values(DEMO_GROUPS).every((g) => groups.includes(g)) &&
            Number(seconds[0]?.value[1] ?? 0) > 0 &&
            Number(slo[0]?.value[1] ?? 0) > 0
          );
        },
        90_000,
        2000,
      ).catch(() => assert.fail(`demo workload not visible in Prometheus: ${demoState}`));
      const targets = (
        (await (await fetch(`${prometheus}/api/v1/targets`)).json()) as {
          data: { activeTargets: { labels: { job: string }; scrapeUrl: string; health: string }[] };
        }
      ).data.activeTargets;
      const down = targets.filter((t) => t.health !== 'up').map((t) => `${t.labels.job} ${t.scrapeUrl} ${t.health}`);
      assert.deepEqual(down, [], 'every scrape target `up` configures is up');

      // Dashboard queries return data (rates need two samples; give the workload a few scrapes).
      let failures: string[] = [];
      await waitFor(
        'dashboard queries return data',
        async () => {
          failures = describeFailures(await checkDashboardQueries({ prometheusUrl: prometheus, requireData: true }));
          return failures.length === 0;
        },
        90_000,
        3000,
      ).catch(() => assert.fail(`dashboard queries without data on a healthy cluster:\n${failures.join('\n')}`));
      // Nothing fired over the two minutes (the wait covers what the checks above did not).
      await new Promise((r) => setTimeout(r, Math.max(0, watchFrom + 120_000 - Date.now())));
      watching = false;
      await alertWatch;
      assert.deepEqual([...fired], [], 'no alert fired during two minutes of the healthy demo cluster');
    } finally {
      watching = false;
      sending = false;
      await trickle;
      await consumer.disconnect();
      await producer.disconnect();
    }

    // Ctrl-C: the terminal signals the whole process group (up, the launcher, every broker,
    // Prometheus, Alertmanager) at once; up stops every service and exits 0 promptly (the exporter
    // used to retry its disconnects for minutes against brokers that were already gone); nothing it
    // opened still listens.
    const ctrlC = Date.now();
    interrupted = true;
    process.kill(-up.pid, 'SIGINT');
    const { code } = await up.exited;
    assert.equal(code, 0, up.output());
    assert.ok(Date.now() - ctrlC < 40_000, `up took ${Date.now() - ctrlC} ms to stop after Ctrl-C`);
    for (const u of urls) assert.equal(await endpointOpen(u), false, `${u} still listening after Ctrl-C`);
  } finally {
    // A failed check above skips the Ctrl-C: stop the whole group anyway, so a failure costs its
    // assertion, not the file's timeout with a cluster still running.
    if (!interrupted) {
      try {
        process.kill(-up.pid, 'SIGINT');
      } catch {
        /* already gone */
      }
      await Promise.race([up.exited, new Promise((r) => setTimeout(r, 40_000))]);
      try {
        process.kill(-up.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
});
