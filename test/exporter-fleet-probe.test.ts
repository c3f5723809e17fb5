// test-budget: 120s
// Fleet mode with the probe: of two exporter replicas in one coordination group only the one
// holding coordination partition 0 probes; when it stops, the other replica gains partition 0,
// starts its probe, and the probe's consumer group (the same on every replica) goes on
// receiving the probe records.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { processFixture, waitFor, type RunningProcess } from './support/processes.js';
import { tempDir } from './broker-support.js';
import { startClusterProc, type ClusterProc } from './cluster-support.js';
import { scrape, type MetricSample } from './exporter-helpers.js';
import { freePort } from './support/ports.js';

const fx = processFixture();
const dir = tempDir('exporter-fleet-probe');
let cluster: ClusterProc;

before(async () => {
  cluster = await startClusterProc(fx, dir);
});

after(async () => {
  await fx.stopAll();
  await cluster?.stop();
});

interface Replica {
  proc: RunningProcess;
  url: string;
}

async function startReplica(i: number): Promise<Replica> {
  const port = await freePort();
  const proc = await fx.startCli(
    [
      'exporter',
      '--bootstrap',
      cluster.bootstrap,
      '--cluster-name',
      'fleet',
      '--port',
      String(port),
      '--interval',
      '1000',
      '--probe',
      '--coordination-group',
      'kafka-sre-exporters',
    ],
    { readyWhen: /listening on/, readyTimeoutMs: 60_000, name: `exporter-${i}` },
  );
  return { proc, url: `http://127.0.0.1:${port}` };
}

const received = (samples: MetricSample[]): number | undefined => {
  const s = samples.filter((x) => x.name === 'kafka_sre_probe_records_received_total');
  return s.length === 0 ? undefined : s.reduce((a, x) => a + x.value, 0);
};

test('only partition 0 holder probes; the probe moves with partition 0 and keeps receiving', async () => {
  const replicas = [await startReplica(0), await startReplica(1)];
  // Both joined and one of them probes end to end (records produced and read back).
  const { index: holder } = (await waitFor(
    'exactly one replica probing, records received',
    async () => {
      const counts = await Promise.all(replicas.map(async (r) => received(await scrape(r.url))));
      const probing = counts.map((c, i) => (c !== undefined ? i : -1)).filter((i) => i >= 0);
      const shards = await Promise.all(
        replicas.map(async (r) => (await scrape(r.url)).find((x) => x.name === 'kafka_sre_exporter_shard_partitions')),
      );
      const bothAssigned = shards.every((s) => s !== undefined && s.value > 0);
      return bothAssigned && probing.length === 1 && counts[probing[0]]! > 0 ? { index: probing[0] } : undefined;
    },
    60_000,
    500,
  ))!;

  const survivor = replicas[1 - holder];
  await replicas[holder].proc.stop();
  const stoppedAt = Date.now();
  // The survivor gains partition 0, starts its probe, joins the probe group and reads new records.
  await waitFor(
    'the other replica probing after the handover',
    async () => {
      const c = received(await scrape(survivor.url));
      return c !== undefined && c > 0 ? c : undefined;
    },
    45_000,
    500,
  );
  const tookMs = Date.now() - stoppedAt;
  assert.match(survivor.proc.output(), /probe started/);
  console.log(`# probe handover: records received on the new holder ${tookMs} ms after the old holder stopped`);
});
