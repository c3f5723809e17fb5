// Kafka creates its compacted internal topics (`__consumer_offsets`, `__transaction_state`,
// `__share_group_state`) on first use: the request that needs one starts the creation and is
// answered "not available yet", and the client's retry finds the topic. One creation per topic is
// in flight at a time; a failed one is only logged, the next request that needs the topic retries.
import type { BrokerServices } from '../services.js';

const inFlight = new WeakMap<BrokerServices, Set<string>>();

export function createInternalTopicOnce(
  services: BrokerServices,
  spec: { name: string; numPartitions: number; replicationFactor: number },
): void {
  if (services.topics.get(spec.name)) return;
  let creating = inFlight.get(services);
  if (!creating) inFlight.set(services, (creating = new Set()));
  if (creating.has(spec.name)) return;
  creating.add(spec.name);
  services.controller
    .createTopic({ ...spec, configs: { 'cleanup.policy': 'compact' } })
    .catch((e: unknown) =>
      services.logger.debug(
        { err: (e as Error).message },
        `creating ${spec.name} failed (retried by the next request that needs it)`,
      ),
    )
    .finally(() => creating.delete(spec.name));
}
