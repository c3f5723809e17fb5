// PromQL for the signals several dashboards share (one definition, so the executive, on-call
// and game-day views of, say, URP are the same number). All built from catalog entries.
import { brokerMetrics as B, exporterMetrics as E } from '../common/metrics/index.js';
import { prometheusAlertsSeries } from './annotations.js';
import { histogramQuantile, rate, sel, summaryQuantile } from './promql.js';
import { orZero } from './panels.js';

export const brokersOnline = `sum by (cluster) (${sel(E.brokers)})`;
export const activeControllers = `sum(${sel(B.activeControllerCount)})`;
export const clusterUrp = `sum by (cluster) (${sel(E.underReplicatedPartitions)})`;
export const clusterUnderMinIsr = `sum by (cluster) (${sel(E.underMinIsrPartitions)})`;
export const clusterOffline = `sum by (cluster) (${sel(E.offlinePartitions)})`;
export const offlineLogDirs = `sum(${sel(B.offlineLogDirectoryCount)})`;

/** Used fraction of each log directory, from the exporter's DescribeLogDirs capacity. */
export const diskUsedRatio = `1 - (${sel(E.logDirUsableBytes)} / ${sel(E.logDirTotalBytes)})`;

export const lagByGroup = `sum by (cluster, consumergroup) (${sel(E.consumerGroupLagSum)})`;
export const lagSecondsByGroup = `max by (cluster, consumergroup) (${sel(E.consumerGroupMaxLagSeconds)})`;

export const bytesIn = `sum(${rate(B.bytesIn)})`;
export const bytesOut = `sum(${rate(B.bytesOut)})`;
export const messagesIn = `sum(${rate(B.messagesIn)})`;

export const pauseMax = `max by (instance) (${sel(B.eventLoopDelayMax)})`;
export const gcPauseP99 = histogramQuantile(0.99, B.gcPauseSeconds, ['instance']);

export const probeRoundtripP99 = histogramQuantile(0.99, E.probeRoundtripLatency, ['cluster']);
export const probeProduceP99 = histogramQuantile(0.99, E.probeProduceLatency, ['cluster']);
export const probeFailures = `sum by (cluster) (${rate(E.probeFailed)})`;
export const probeLost = `sum by (cluster) (${rate(E.probeLost)})`;
/** Failed / attempted probe produces (attempts = acknowledged + failed), as KafkaEndToEndProbeFailing. */
export const probeFailureRatio = `${probeFailures} / (${probeFailures} + sum by (cluster) (${rate(E.probeProduced)}))`;
/** Event-loop delay p99 per broker (KafkaBrokerPaused's p99 signal). */
export const pauseP99 = `max by (instance) (${summaryQuantile(B.eventLoopDelay, '0.99')})`;

/** Non-NONE request results per request type, zero while no error series exists. */
export const requestErrorsByType = orZero(
  `sum by (request, error) (${rate(B.requestErrors, { where: { error: ['!=', 'NONE'] } })})`,
  `sum by (request) (${rate(B.requestErrors, { where: { error: 'NONE' } })})`,
  ['request'],
);
/** Authorization failures (any *_AUTHORIZATION_FAILED error code) per request type. */
export const authorizationFailures = orZero(
  `sum by (request) (${rate(B.requestErrors, { where: { error: ['=~', '.*AUTHORIZATION_FAILED'] } })})`,
  `sum by (request) (${rate(B.requestErrors, { where: { error: 'NONE' } })})`,
  ['request'],
);
export const authenticationFailures = `sum by (instance, listener) (${rate(B.failedAuthentication)})`;

// SLOs from the exporter's raw SLI counters (not the alert recording rules, so the panels work
// without alerts/ loaded): error ratio over a window, burn rate = ratio / (1 - objective).
const sloGroup = 'cluster, slo';
export function sloErrorRatio(window: string): string {
  return `(sum by (${sloGroup}) (${rate(E.sloErrors, {}, window)}) / sum by (${sloGroup}) (${rate(E.sloEvents, {}, window)}))`;
}
export const sloObjective = `max by (${sloGroup}) (${sel(E.sloObjective)})`;
export function sloBurnRate(window: string): string {
  return `${sloErrorRatio(window)} / (1 - ${sloObjective})`;
}
/** Share of the error budget left over the SLO period (below 0: objective missed). */
export function sloBudgetRemaining(period: string): string {
  return `1 - (${sloErrorRatio(period)} / (1 - ${sloObjective}))`;
}
export function sloSli(period: string): string {
  return `1 - ${sloErrorRatio(period)}`;
}

export function alertsFiring(state: 'firing' | 'pending' = 'firing'): string {
  return `max by (alertname, severity) (${prometheusAlertsSeries}{alertstate="${state}", cluster=~"$cluster"})`;
}
