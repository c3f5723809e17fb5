// Steady-state probes: a Prometheus query compared against a value with a tolerance, and a
// produce/consume round trip. Each returns ok plus a sentence for the journal. Prometheus queries go
// through the drill's poller (verify/prometheus-poller.ts), so a query that did not answer is
// counted and reported as no evidence ("inconclusive"), not as a measured value.
import { randomUUID } from 'node:crypto';
import { createKafka, type SaslCredentials } from '../../kafka-client/index.js';
import type { ProbeSpec } from '../schema/schema.js';
import type { PrometheusPoller } from '../verify/prometheus-poller.js';

export interface ProbeResult {
  probe: string;
  ok: boolean;
  detail: string;
  /** The query did not answer: the probe failed for lack of evidence, not on a measured value. */
  inconclusive?: boolean;
}

/** value `op` threshold, with `tolerance` of slack in the comparison's favour. */
export function compare(
  value: number,
  op: '==' | '!=' | '<' | '<=' | '>' | '>=',
  threshold: number,
  tolerance = 0,
): boolean {
  switch (op) {
    case '<':
      return value < threshold + tolerance;
    case '<=':
      return value <= threshold + tolerance;
    case '>':
      return value > threshold - tolerance;
    case '>=':
      return value >= threshold - tolerance;
    case '==':
      return Math.abs(value - threshold) <= tolerance;
    case '!=':
      return Math.abs(value - threshold) > tolerance;
  }
}

export async function prometheusCheck(
  prom: PrometheusPoller,
  name: string,
  q: {
    query: string;
    comparator: Parameters<typeof compare>[1];
    value: number;
    tolerance?: number;
    ifEmpty?: 'pass' | 'fail';
  },
): Promise<ProbeResult> {
  const r = await prom.sample(q.query);
  if (!r.ok)
    return {
      probe: name,
      ok: false,
      inconclusive: true,
      detail: `inconclusive: ${q.query} did not answer: ${r.error}`,
    };
  const samples = r.value;
  if (samples.length === 0)
    return { probe: name, ok: (q.ifEmpty ?? 'fail') === 'pass', detail: `empty result for ${q.query}` };
  const bad = samples.filter((s) => !compare(s.value, q.comparator, q.value, q.tolerance ?? 0));
  const show = (s: (typeof samples)[number]) =>
    `${s.value}${Object.keys(s.metric).length ? JSON.stringify(s.metric) : ''}`;
  return bad.length
    ? {
        probe: name,
        ok: false,
        detail: `${bad.map(show).slice(0, 3).join(', ')} not ${q.comparator} ${q.value}${q.tolerance ? ` ±${q.tolerance}` : ''}`,
      }
    : { probe: name, ok: true, detail: `${samples.map(show).slice(0, 3).join(', ')} ${q.comparator} ${q.value}` };
}

/** Produce one uniquely marked record and read it back from the partition it landed on. */
export async function produceConsumeCheck(
  bootstrapServers: string[],
  name: string,
  topic: string,
  timeoutMs: number,
  sasl?: SaslCredentials,
): Promise<ProbeResult> {
  const kafka = createKafka({
    clientId: 'kafka-sre-gameday-probe',
    brokers: bootstrapServers,
    sasl,
    retry: { retries: 1 },
  });
  const marker = randomUUID();
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `kafka-sre-gameday-probe-${marker}` });
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await producer.connect();
    const [meta] = await producer.send({ topic, acks: -1, timeout: timeoutMs, messages: [{ value: marker }] });
    await consumer.connect();
    await consumer.subscribe({ topic });
    const seen = new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`record not read back within ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (message.value?.toString() === marker) resolve();
        },
      });
    });
    consumer.seek({ topic, partition: meta.partition, offset: meta.baseOffset ?? '0' });
    await seen;
    return { probe: name, ok: true, detail: `round trip ${Date.now() - started} ms via partition ${meta.partition}` };
  } catch (e) {
    return { probe: name, ok: false, detail: `produce/consume on ${topic}: ${(e as Error).message}` };
  } finally {
    clearTimeout(timer);
    await Promise.allSettled([producer.disconnect(), consumer.disconnect()]);
  }
}

export async function runProbe(
  probe: ProbeSpec,
  prom: PrometheusPoller,
  bootstrapServers: string[],
  sasl?: SaslCredentials,
): Promise<ProbeResult> {
  if (probe.type === 'prometheus') return prometheusCheck(prom, probe.name, probe);
  return produceConsumeCheck(bootstrapServers, probe.name, probe.topic, probe.timeout, sasl);
}
