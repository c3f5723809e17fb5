// Dashboard annotations: Grafana's built-in one (shows Grafana-managed alert state changes and
// manual notes), firing Prometheus alerts from the ALERTS series, and game-day faults from the
// metric the chaos runner exposes while a fault is injected.
import type { AnnotationQuery } from '@grafana/grafana-foundation-sdk/dashboard';
import { chaosMetrics } from '../common/metrics/index.js';
import { sel } from './promql.js';
import { datasourceRef } from './variables.js';

/** Prometheus' own series of active alerts (not a catalog metric: Prometheus writes it). */
export const prometheusAlertsSeries = 'ALERTS';

export function builtInAnnotation(): AnnotationQuery {
  return {
    builtIn: 1,
    datasource: { type: 'grafana', uid: '-- Grafana --' },
    enable: true,
    hide: true,
    iconColor: 'rgba(0, 211, 255, 1)',
    name: 'Annotations & Alerts',
    type: 'dashboard',
    // The SDK types `target` as a data query; Grafana's built-in annotation uses these fields.
    target: { limit: 100, matchAny: false, tags: [], type: 'dashboard' } as unknown as AnnotationQuery['target'],
  };
}

export function alertAnnotationExpr(): string {
  return `${prometheusAlertsSeries}{alertstate="firing", cluster=~"$cluster"}`;
}

export function alertAnnotation(): AnnotationQuery {
  return {
    name: 'Firing alerts',
    datasource: datasourceRef,
    enable: true,
    hide: false,
    iconColor: 'red',
    expr: alertAnnotationExpr(),
    step: '30s',
    titleFormat: '{{alertname}}',
    textFormat: '{{severity}}: {{alertname}} {{topic}} {{consumergroup}} {{instance}}',
    tagKeys: 'alertname,severity',
    useValueForTime: false,
  };
}

export function gamedayFaultExpr(): string {
  return `max by (gameday, fault, target) (${sel(chaosMetrics.faultActive)}) > 0`;
}

export function gamedayFaultAnnotation(): AnnotationQuery {
  return {
    name: 'Game-day faults',
    datasource: datasourceRef,
    enable: true,
    hide: false,
    iconColor: 'purple',
    expr: gamedayFaultExpr(),
    step: '15s',
    titleFormat: '{{fault}}',
    textFormat: '{{gameday}}: {{fault}} on {{target}}',
    tagKeys: 'gameday,fault,target',
    useValueForTime: false,
  };
}
