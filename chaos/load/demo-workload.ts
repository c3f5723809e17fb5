// The demo workload of `kafka-sre up`: real kafkajs clients that make every dashboard meaningful
// within a minute, and stay below every alert threshold. Producers write keyed records to
// demo-orders and demo-clicks; demo-orders-processor (two members) keeps up; demo-clicks-audit
// (one member) handles each record only once it is slowGroupTrailSeconds old, so it trails the
// head by that much: lag in records and seconds that is visible and steady, never growing.
// Nothing is remembered per record, so it can run for days.
import type { Consumer, Producer } from 'kafkajs';
import type { RunningService, ServiceStarter } from '../../common/command/index.js';
import { referenceBootstrap, type Logger } from '../../common/index.js';
import { createKafka } from '../../kafka-client/index.js';

export const DEMO_TOPICS = [
  { name: 'demo-orders', partitions: 6, share: 1 },
  { name: 'demo-clicks', partitions: 3, share: 0.5 },
] as const;
export const DEMO_GROUPS = { healthy: 'demo-orders-processor', slow: 'demo-clicks-audit' } as const;
const KEYS = 50;
const STOP_BOUND_MS = 5000;

/** Resolves after ms, or at once when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Failures are counted and reported at most once a minute, so a broker restart does not flood the terminal. */
function failureReporter(logger: Logger, what: string): (e: unknown) => void {
  let count = 0;
  let lastReport = 0;
  return (e) => {
    count += 1;
    if (Date.now() - lastReport < 60_000) return;
    lastReport = Date.now();
    logger.warn({ err: (e as Error).message, failures: count }, `demo workload: ${what} failing (retrying)`);
  };
}

export const demoWorkloadService: ServiceStarter = {
  name: 'demo workload',
  async start({ config, logger: parent }): Promise<RunningService> {
    const logger = parent.child({ part: 'demo' });
    const { recordsPerSecond, slowGroupTrailSeconds } = config.demo;
    const kafka = createKafka({ clientId: 'kafka-sre-demo', brokers: referenceBootstrap(config.broker) });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const replicationFactor = Math.min(3, config.broker.brokers);
      const topics = DEMO_TOPICS.filter((t) => !existing.has(t.name)).map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor,
      }));
      if (topics.length > 0) await admin.createTopics({ topics, waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }

    const stopping = new AbortController();
    const producer: Producer = kafka.producer();
    await producer.connect();
    const sendFailed = failureReporter(logger, 'producing');
    // Ten sends a second; fractional rates carry over so the average rate is exact.
    const carry = DEMO_TOPICS.map(() => 0);
    let seq = 0;
    let sending: Promise<unknown> = Promise.resolve();
    const tick = setInterval(() => {
      const topicMessages = DEMO_TOPICS.flatMap((t, i) => {
        carry[i] += (recordsPerSecond * t.share) / 10;
        const n = Math.floor(carry[i]);
        carry[i] -= n;
        if (n === 0) return [];
        const messages = Array.from({ length: n }, () => {
          seq += 1;
          const key = `customer-${seq % KEYS}`;
          return { key, value: JSON.stringify({ id: seq, customer: key, amount: (seq % 97) + 0.5 }) };
        });
        return [{ topic: t.name, messages }];
      });
      // One send in flight at a time: a slow broker delays the demo instead of piling up requests.
      sending = sending.then(() =>
        topicMessages.length > 0 ? producer.sendBatch({ topicMessages, acks: -1 }).catch(sendFailed) : undefined,
      );
    }, 100);

    const consumers: Consumer[] = [];
    const consume = async (groupId: string, topic: string, trailMs: number) => {
      const consumer = kafka.consumer({ groupId });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: false });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (trailMs > 0) await pause(Number(message.timestamp) + trailMs - Date.now(), stopping.signal);
        },
      });
    };
    await Promise.all([
      consume(DEMO_GROUPS.healthy, DEMO_TOPICS[0].name, 0),
      consume(DEMO_GROUPS.healthy, DEMO_TOPICS[0].name, 0),
      consume(DEMO_GROUPS.slow, DEMO_TOPICS[1].name, slowGroupTrailSeconds * 1000),
    ]);
    logger.info(
      { topics: DEMO_TOPICS.map((t) => t.name), groups: Object.values(DEMO_GROUPS), recordsPerSecond },
      'demo workload running',
    );
    return {
      name: 'demo workload',
      endpoints: [],
      async stop() {
        clearInterval(tick);
        stopping.abort();
        // Bounded: a client mid-rebalance against a stopping cluster must not hold up Ctrl-C.
        const bounded = (p: Promise<unknown>) =>
          Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, STOP_BOUND_MS).unref())]);
        await bounded(sending);
        await Promise.all([...consumers.map((c) => bounded(c.disconnect())), bounded(producer.disconnect())]);
      },
    };
  },
};
