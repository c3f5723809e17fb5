// End-to-end probe: acks=all produces to a probe topic with one partition led by each broker, a
// consumer in its own group reads them back. Measures produce, round-trip and commit latency,
// counts produced/failed/received/lost per partition, feeds the produce-availability and
// e2e-latency SLIs, and carries W3C trace context (traceparent) in record headers with
// produce/consume spans through OpenTelemetry.
import { randomBytes } from 'node:crypto';
import { context, propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Consumer, Producer } from 'kafkajs';
import type { Counter, Histogram, Registry } from 'prom-client';
import { type Logger, tracer } from '../../common/index.js';
import type { ClusterClient } from '../../kafka-client/index.js';
import { catalogCounter, catalogHistogram } from '../metrics/exposition.js';
import { e2eLatency, produceAvailability } from '../slo/sli.js';
import type { SloTracker } from '../slo/tracker.js';
import { planProbeTopic } from './planner.js';

export interface ProbeSettings {
  topic: string;
  groupId: string;
  intervalMs: number;
  lossTimeoutMs: number;
  replicationFactor: number;
}

interface ProbeMetrics {
  produce: Histogram<string>;
  roundtrip: Histogram<string>;
  commit: Histogram<string>;
  produced: Counter<string>;
  failed: Counter<string>;
  received: Counter<string>;
  lost: Counter<string>;
}

const metricsByRegistry = new WeakMap<Registry, ProbeMetrics>();
function probeMetrics(registry: Registry): ProbeMetrics {
  let m = metricsByRegistry.get(registry);
  if (!m) {
    m = {
      produce: catalogHistogram('probeProduceLatency', registry),
      roundtrip: catalogHistogram('probeRoundtripLatency', registry),
      commit: catalogHistogram('probeCommitLatency', registry),
      produced: catalogCounter('probeProduced', registry),
      failed: catalogCounter('probeFailed', registry),
      received: catalogCounter('probeReceived', registry),
      lost: catalogCounter('probeLost', registry),
    };
    metricsByRegistry.set(registry, m);
  }
  return m;
}

/** A traceparent for the active span, or a fresh one when tracing is off (always propagated). */
function traceparentFor(spanContext: { traceId: string; spanId: string; traceFlags: number }): string {
  const valid = /^[0-9a-f]{32}$/.test(spanContext.traceId) && !/^0+$/.test(spanContext.traceId);
  const traceId = valid ? spanContext.traceId : randomBytes(16).toString('hex');
  const spanId = valid ? spanContext.spanId : randomBytes(8).toString('hex');
  const flags = valid ? spanContext.traceFlags : 0;
  return `00-${traceId}-${spanId}-${flags.toString(16).padStart(2, '0')}`;
}

export class Probe {
  private readonly m: ProbeMetrics;
  private readonly runId = randomBytes(6).toString('hex');
  private seq = 0;
  private readonly pending = new Map<string, { partition: number; sentAtMs: number }>();
  private partitions: number[] = [];
  private producer?: Producer;
  private consumer?: Consumer;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private ensuredAtMs = 0;
  private ready = false;

  constructor(
    private readonly cluster: string,
    private readonly client: ClusterClient,
    private readonly settings: ProbeSettings,
    registry: Registry,
    private readonly slo: SloTracker | undefined,
    private readonly logger: Logger,
  ) {
    this.m = probeMetrics(registry);
  }

  start(): void {
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.tick();
      } catch (e) {
        this.logger.debug({ err: (e as Error).message }, 'probe tick failed');
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.settings.intervalMs);
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }

  /**
   * Removes this probe's series from the registry (fleet mode: the probe moved to the replica
   * that now holds coordination partition 0, whose series are the live ones; frozen copies here
   * would be a second, stale set in the fleet's union). Call after `stop`.
   */
  removeSeries(): void {
    for (const p of this.partitions) {
      const labels = { cluster: this.cluster, partition: String(p) };
      for (const m of [this.m.produced, this.m.failed, this.m.received, this.m.lost]) m.remove(labels);
      this.m.produce.remove(labels);
      this.m.roundtrip.remove(labels);
    }
    this.m.commit.remove({ cluster: this.cluster });
  }

  /** Probe records still waiting to be consumed. */
  get inFlight(): number {
    return this.pending.size;
  }

  private async ensureTopic(): Promise<void> {
    const admin = this.client.admin();
    const md = await admin
      .fetchTopicMetadata({ topics: [] })
      .catch(() => ({ topics: [] as { name: string; partitions: { partitionId: number; replicas: number[] }[] }[] }));
    const cluster = await admin.describeCluster();
    const existing = md.topics.find((t) => t.name === this.settings.topic);
    const plan = planProbeTopic(
      {
        brokers: cluster.brokers.map((b) => b.nodeId),
        partitions: existing?.partitions.map((p) => ({ partition: p.partitionId, replicas: p.replicas })),
      },
      this.settings.replicationFactor,
    );
    if (plan.action === 'create') {
      const rf = plan.replicaAssignment[0].replicas.length;
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: this.settings.topic,
            replicaAssignment: plan.replicaAssignment,
            configEntries: [
              { name: 'min.insync.replicas', value: String(Math.max(1, rf - 1)) },
              { name: 'retention.ms', value: String(3600_000) },
            ],
          },
        ],
      });
      this.logger.info(
        { topic: this.settings.topic, partitions: plan.replicaAssignment.length },
        'created the probe topic',
      );
    } else if (plan.action === 'add-partitions') {
      await admin.createPartitions({
        topicPartitions: [{ topic: this.settings.topic, count: plan.count, assignments: plan.assignments }],
      });
      this.logger.info(
        { topic: this.settings.topic, partitions: plan.count },
        'added probe partitions for new brokers',
      );
    }
    const after = await admin.fetchTopicMetadata({ topics: [this.settings.topic] });
    this.partitions = after.topics[0].partitions.map((p) => p.partitionId).sort((a, b) => a - b);
    // Counters exist at 0 from the start, so rate() and the loss alerts work from the first scrape.
    for (const p of this.partitions) {
      const labels = { cluster: this.cluster, partition: String(p) };
      for (const c of [this.m.produced, this.m.failed, this.m.received, this.m.lost]) c.inc(labels, 0);
    }
    this.ensuredAtMs = Date.now();
  }

  private async setup(): Promise<void> {
    await this.ensureTopic();
    this.producer = this.client.kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await this.producer.connect();
    this.consumer = this.client.kafka.consumer({
      groupId: this.settings.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 250,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.settings.topic, fromBeginning: false });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const now = Date.now();
        const roundtrips: number[] = [];
        for (const msg of batch.messages) {
          const key = msg.key?.toString() ?? '';
          const sent = this.pending.get(key);
          if (!sent) continue; // from an earlier run or another exporter: not ours to judge
          this.pending.delete(key);
          const seconds = (now - sent.sentAtMs) / 1000;
          roundtrips.push(seconds);
          const labels = { cluster: this.cluster, partition: String(batch.partition) };
          this.m.received.inc(labels);
          this.m.roundtrip.observe(labels, seconds);
          const parent = propagation.extract(context.active(), {
            traceparent: msg.headers?.traceparent?.toString() ?? '',
          });
          tracer()
            .startSpan(
              'kafka-sre.probe.consume',
              {
                kind: SpanKind.CONSUMER,
                attributes: {
                  'messaging.destination.name': batch.topic,
                  'messaging.kafka.destination.partition': batch.partition,
                  'kafka_sre.roundtrip_seconds': seconds,
                },
              },
              parent,
            )
            .end();
        }
        this.recordE2e(roundtrips, 0);
        const last = batch.messages[batch.messages.length - 1];
        if (last) {
          const t0 = process.hrtime.bigint();
          await this.consumer!.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: String(Number(last.offset) + 1) },
          ]);
          this.m.commit.observe({ cluster: this.cluster }, Number(process.hrtime.bigint() - t0) / 1e9);
        }
        await heartbeat();
      },
    });
    this.ready = true;
  }

  private recordE2e(roundtrips: number[], lost: number): void {
    if (!this.slo) return;
    for (const s of this.slo.ofKind('e2e_latency'))
      this.slo.record(this.cluster, s.name, e2eLatency(roundtrips, lost, s.thresholdSeconds), Date.now());
  }

  private async tick(): Promise<void> {
    if (!this.ready) {
      await this.setup();
    } else if (Date.now() - this.ensuredAtMs > 60_000) {
      await this.ensureTopic().catch((e: unknown) =>
        this.logger.debug({ err: (e as Error).message }, 'probe topic check failed'),
      );
    }
    await Promise.all(this.partitions.map((p) => this.produceOne(p)));
    this.expireLost();
  }

  private async produceOne(partition: number): Promise<void> {
    const key = `${this.runId}-${this.seq++}`;
    const labels = { cluster: this.cluster, partition: String(partition) };
    await tracer().startActiveSpan(
      'kafka-sre.probe.produce',
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.destination.name': this.settings.topic,
          'messaging.kafka.destination.partition': partition,
        },
      },
      async (span) => {
        const sentAtMs = Date.now();
        const t0 = process.hrtime.bigint();
        let ok = false;
        try {
          const traceparent = traceparentFor(span.spanContext());
          this.pending.set(key, { partition, sentAtMs });
          await this.producer!.send({
            topic: this.settings.topic,
            acks: -1,
            timeout: 5000,
            messages: [
              { key, partition, value: JSON.stringify({ run: this.runId, sentAtMs }), headers: { traceparent } },
            ],
          });
          ok = true;
          this.m.produced.inc(labels);
          this.m.produce.observe(labels, Number(process.hrtime.bigint() - t0) / 1e9);
        } catch (e) {
          this.pending.delete(key);
          this.m.failed.inc(labels);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
        } finally {
          span.end();
        }
        if (this.slo)
          for (const s of this.slo.ofKind('produce_availability'))
            this.slo.record(this.cluster, s.name, produceAvailability(1, ok ? 0 : 1), Date.now());
      },
    );
  }

  private expireLost(): void {
    const cutoff = Date.now() - this.settings.lossTimeoutMs;
    let lost = 0;
    for (const [key, p] of this.pending) {
      if (p.sentAtMs < cutoff) {
        this.pending.delete(key);
        this.m.lost.inc({ cluster: this.cluster, partition: String(p.partition) });
        lost++;
      }
    }
    if (lost > 0) this.recordE2e([], lost);
  }
}
