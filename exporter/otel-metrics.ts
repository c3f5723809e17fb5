// Optional OTLP metrics alongside Prometheus: every exporter gauge and counter is mirrored as an
// OpenTelemetry observable instrument that reads the same data /metrics serves (the latest
// snapshots and the live registry), so both paths always agree. Histograms (probe latencies)
// stay Prometheus-only: OpenTelemetry has no observable histogram.
import { metrics, type Attributes, type ObservableResult } from '@opentelemetry/api';
import { exporterMetrics } from '../common/metrics/index.js';
import type { MetricsHub } from './metrics/exposition.js';
import { samplesOf, type FamilyKey } from './snapshot/snapshot.js';

type Key = keyof typeof exporterMetrics;

export function bridgeMetricsToOtel(hub: MetricsHub, clusters: readonly string[]): void {
  const meter = metrics.getMeter('kafka-sre-exporter');
  for (const key of Object.keys(exporterMetrics) as Key[]) {
    const def = exporterMetrics[key];
    if (def.type !== 'gauge' && def.type !== 'counter') continue;
    const observe = async (result: ObservableResult<Attributes>) => {
      // Snapshot families first; live metrics (self, SLO) from the live registry.
      let found = false;
      for (const c of clusters) {
        const snap = hub.snapshot(c);
        if (!snap || !snap.families.has(key as FamilyKey)) continue;
        found = true;
        for (const s of samplesOf(snap, key as FamilyKey)) result.observe(s.value, s.labels);
      }
      if (found) return;
      const live = hub.live.getSingleMetric(def.name);
      if (!live) return;
      const { values } = await live.get();
      for (const v of values) result.observe(v.value, v.labels as Attributes);
    };
    const instrument =
      def.type === 'counter'
        ? meter.createObservableCounter(def.name, { description: def.help })
        : meter.createObservableGauge(def.name, { description: def.help });
    instrument.addCallback(observe);
  }
}
