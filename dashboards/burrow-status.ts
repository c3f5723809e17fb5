// Grafana value mappings of Burrow's status numbers (common/metrics/burrow-status.ts): one colour
// per status name, so the lag and on-call dashboards show the same text and colour for a status.
import { GroupStatus, PartitionStatus } from '../common/metrics/index.js';
import type { ThresholdStep, ValueText } from './types.js';

const statusColors: Record<keyof typeof PartitionStatus | keyof typeof GroupStatus, ValueText['color']> = {
  NOTFOUND: 'blue',
  OK: 'green',
  WARN: 'orange',
  ERR: 'red',
  STOP: 'red',
  STALL: 'red',
  REWIND: 'yellow',
};

function statusTexts(statuses: typeof PartitionStatus | typeof GroupStatus): ValueText[] {
  return Object.entries(statuses).map(([text, value]) => ({
    value,
    text,
    color: statusColors[text as keyof typeof statusColors],
  }));
}

function statusThresholds(texts: readonly ValueText[]): ThresholdStep[] {
  const steps: ThresholdStep[] = [];
  for (const t of texts) {
    const last = steps[steps.length - 1];
    if (!last) steps.push({ value: null, color: t.color });
    else if (last.color !== t.color) steps.push({ value: t.value, color: t.color });
  }
  return steps;
}

/** kafka_consumergroup_partition_status values: OK, WARN, STOP, STALL, REWIND. */
export const partitionStatusTexts: ValueText[] = statusTexts(PartitionStatus);
/**
 * Colour steps of the partition status: each status's colour from its number up, the first one
 * from null (a state panel colours by threshold as well as by value mapping).
 */
export const partitionStatusThresholds: ThresholdStep[] = statusThresholds(partitionStatusTexts);
/** kafka_consumergroup_status values: NOTFOUND, OK, WARN, ERR. */
export const groupStatusTexts: ValueText[] = statusTexts(GroupStatus);
