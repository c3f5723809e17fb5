// Burrow's status numbers (StatusConstant), the values of kafka_consumergroup_partition_status and
// kafka_consumergroup_status (docs/metrics.md, "Status values"): the exporter evaluates them
// (exporter/lag/status.ts), alerts compare against them, dashboards map them to text.

export const PartitionStatus = { OK: 1, WARN: 2, STOP: 4, STALL: 5, REWIND: 6 } as const;
export type PartitionStatus = (typeof PartitionStatus)[keyof typeof PartitionStatus];
export const GroupStatus = { NOTFOUND: 0, OK: 1, WARN: 2, ERR: 3 } as const;
export type GroupStatus = (typeof GroupStatus)[keyof typeof GroupStatus];
