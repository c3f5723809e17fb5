// The scrape config's game-day jobs: emitted for clusters that list runner or proxy targets,
// for the reference cluster at its default ports, and omitted when no cluster has targets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertsSection } from '../../common/config/sections/alerts.js';
import { clusterTargets, scrapeConfig, type ReferenceCluster } from './scrape-config.js';

interface Job {
  job_name: string;
  static_configs: { targets: string[]; labels: Record<string, string> }[];
  relabel_configs: { source_labels: string[]; target_label: string }[];
}

const reference: ReferenceCluster = { brokers: 1, host: '127.0.0.1', metricsPort: 7071 };

function jobs(input: unknown, ref: ReferenceCluster = reference): Map<string, Job> {
  const config = alertsSection.parse(input);
  const out = scrapeConfig(config, clusterTargets(config, ref)) as { scrape_configs: Job[] };
  return new Map(out.scrape_configs.map((j) => [j.job_name, j]));
}

test('the reference cluster gets runner and proxy jobs at the default ports, labeled cluster="local"', () => {
  const j = jobs({});
  assert.deepEqual([...j.keys()], ['kafka-broker', 'kafka-exporter', 'kafka-sre-gameday', 'kafka-sre-proxy']);
  assert.deepEqual(j.get('kafka-sre-gameday')?.static_configs, [
    { targets: ['127.0.0.1:9466'], labels: { __kafka_sre_cluster: 'local' } },
  ]);
  assert.deepEqual(j.get('kafka-sre-proxy')?.static_configs, [
    { targets: ['127.0.0.1:8474'], labels: { __kafka_sre_cluster: 'local' } },
  ]);
  assert.deepEqual(j.get('kafka-sre-proxy')?.relabel_configs, [
    { source_labels: ['__kafka_sre_cluster'], target_label: 'cluster' },
  ]);
});

test('the reference ports follow the config; port 0 (no fixed port) drops the job', () => {
  const moved = jobs(
    { scrape: { gamedayMetricsPort: 19466 } },
    { ...reference, proxyHost: '10.0.0.5', proxyPort: 18474 },
  );
  assert.deepEqual(moved.get('kafka-sre-gameday')?.static_configs[0]?.targets, ['127.0.0.1:19466']);
  assert.deepEqual(moved.get('kafka-sre-proxy')?.static_configs[0]?.targets, ['10.0.0.5:18474']);
  const none = jobs({ scrape: { gamedayMetricsPort: 0 } }, { ...reference, proxyPort: 0 });
  assert.deepEqual([...none.keys()], ['kafka-broker', 'kafka-exporter']);
});

test('listed clusters: game-day jobs with configured names, only for clusters with targets, omitted when none has any', () => {
  const clusters = [
    { name: 'eu', brokers: ['k0:7071'], gameday: ['runner:9466'], proxies: ['proxy-eu:8474'] },
    { name: 'us', brokers: ['k1:7071'], proxies: ['proxy-us:8474'] },
  ];
  const j = jobs({ scrape: { gamedayJob: 'drills', proxyJob: 'toxiproxy', clusters } });
  assert.deepEqual(j.get('drills')?.static_configs, [
    { targets: ['runner:9466'], labels: { __kafka_sre_cluster: 'eu' } },
  ]);
  assert.deepEqual(j.get('toxiproxy')?.static_configs, [
    { targets: ['proxy-eu:8474'], labels: { __kafka_sre_cluster: 'eu' } },
    { targets: ['proxy-us:8474'], labels: { __kafka_sre_cluster: 'us' } },
  ]);
  assert.deepEqual(
    [...jobs({ scrape: { clusters: [{ name: 'eu', brokers: ['k0:7071'] }] } }).keys()],
    ['kafka-broker', 'kafka-exporter'],
  );
});
