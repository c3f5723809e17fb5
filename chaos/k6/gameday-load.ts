// The game-day load as a k6 script (needs a k6 binary built with the xk6-kafka extension:
// `xk6 build --with github.com/mostafa/xk6-kafka`). Same knobs as the built-in driver, passed as
// environment variables; xk6-kafka emits the kafka_writer_* / kafka_reader_* metrics the built-in
// driver imitates, and handleSummary writes the same summary.json shape.
//
//   k6 run -e BROKERS=127.0.0.1:39092 -e TOPIC=gameday -e RATE=200 -e DURATION=2m \
//          -e RECORD_SIZE=512 -e ACKS=all -e GROUP=gameday -e HOT_KEY_SHARE=0 \
//          -e THRESHOLDS='{"kafka_writer_error_count":["count<10"]}' chaos/k6/gameday-load.ts
//
// Not covered on the k6 path: the per-record data check (k6 VUs share no state, so "lost
// acknowledged records" needs the built-in driver).
import { Reader, SchemaRegistry, SCHEMA_TYPE_STRING, Writer } from 'k6/x/kafka';
import exec from 'k6/execution';
import type { Options } from 'k6/options';

const env = (name: string, fallback: string): string => __ENV[name] ?? fallback;
const brokers = env('BROKERS', '127.0.0.1:9092').split(',');
const topic = env('TOPIC', 'gameday');
const rate = Number(env('RATE', '100'));
const duration = env('DURATION', '1m');
const recordSize = Number(env('RECORD_SIZE', '256'));
const acks: Record<string, number> = { all: -1, leader: 1, none: 0 };
const hotKeyShare = Number(env('HOT_KEY_SHARE', '0'));
const cardinality = Number(env('KEY_CARDINALITY', '1000'));
const group = env('GROUP', 'gameday');

export const options: Options = {
  scenarios: {
    produce: {
      executor: 'constant-arrival-rate',
      exec: 'produce',
      rate,
      timeUnit: '1s',
      duration,
      preAllocatedVUs: 4,
      maxVUs: 32,
    },
    consume: { executor: 'constant-vus', exec: 'consume', vus: Number(env('CONSUMERS', '1')), duration },
  },
  thresholds: JSON.parse(env('THRESHOLDS', '{}')) as Options['thresholds'],
};

const writer = new Writer({ brokers, topic, requiredAcks: acks[env('ACKS', 'all')] ?? -1 });
const reader = new Reader({ brokers, groupID: group, groupTopics: [topic] });
const registry = new SchemaRegistry();
const padding = 'a'.repeat(recordSize);

function key(): string {
  return Math.random() < hotKeyShare ? 'hot-key' : `key-${Math.floor(Math.random() * cardinality)}`;
}

export function produce(): void {
  const id = `${exec.vu.idInTest}:${exec.scenario.iterationInTest}`;
  const value = `${id}|${Date.now()}|${padding}`.slice(0, Math.max(recordSize, id.length + 16));
  writer.produce({
    messages: [
      {
        key: registry.serialize({ data: key(), schemaType: SCHEMA_TYPE_STRING }),
        value: registry.serialize({ data: value, schemaType: SCHEMA_TYPE_STRING }),
        headers: { 'kafka-sre-gameday-id': id },
      },
    ],
  });
}

export function consume(): void {
  reader.consume({ limit: 100 });
}

export function teardown(): void {
  writer.close();
  reader.close();
}

/** k6 hands the same summary object the built-in driver writes; keep it as summary.json. */
export function handleSummary(data: Record<string, unknown>): Record<string, string> {
  return {
    [env('SUMMARY', 'summary.json')]: JSON.stringify(data, null, 2),
    stdout: `k6 game-day load finished; summary in ${env('SUMMARY', 'summary.json')}\n`,
  };
}
