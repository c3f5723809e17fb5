// Pure planning of the probe topic: one partition led (preferred) by each broker, so a probe
// failure points at a broker. Kept apart from the code that applies the plan (probe.ts).

export interface ProbeTopicView {
  brokers: readonly number[];
  /** Current partitions of the probe topic; undefined when the topic does not exist. */
  partitions?: readonly { partition: number; replicas: readonly number[] }[];
}

export type ProbePlan =
  | { action: 'none' }
  | { action: 'create'; replicaAssignment: { partition: number; replicas: number[] }[] }
  | { action: 'add-partitions'; count: number; assignments: number[][] };

/** Replicas for a partition led by `leader`: the leader first, then the next brokers in order. */
function replicasFor(leader: number, brokers: readonly number[], rf: number): number[] {
  const i = brokers.indexOf(leader);
  return Array.from({ length: rf }, (_, k) => brokers[(i + k) % brokers.length]);
}

export function planProbeTopic(view: ProbeTopicView, replicationFactor: number): ProbePlan {
  const brokers = [...view.brokers].sort((a, b) => a - b);
  if (brokers.length === 0) return { action: 'none' };
  const rf = Math.max(1, Math.min(replicationFactor > 0 ? replicationFactor : 3, brokers.length));
  if (!view.partitions)
    return {
      action: 'create',
      replicaAssignment: brokers.map((b, partition) => ({ partition, replicas: replicasFor(b, brokers, rf) })),
    };
  // Partitions can only be added: give each broker that leads no partition a new one.
  const led = new Set(view.partitions.map((p) => p.replicas[0]));
  const missing = brokers.filter((b) => !led.has(b));
  if (missing.length === 0) return { action: 'none' };
  return {
    action: 'add-partitions',
    count: view.partitions.length + missing.length,
    assignments: missing.map((b) => replicasFor(b, brokers, rf)),
  };
}
