// /metrics for the proxy server: toxiproxy_proxy_{received,sent}_bytes_total with Toxiproxy's
// labels (direction, proxy, listener, upstream), plus optional Node runtime metrics. Bytes are
// counted as they flow (Toxiproxy adds them when a connection ends), in plain numbers that the
// counters read at scrape time, so the data path pays no label lookups.
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { proxyMetrics } from '../../common/metrics/index.js';
import type { Direction } from './toxic.js';

export interface ByteCounts {
  received: number;
  sent: number;
}

interface Series {
  labels: { direction: Direction; proxy: string; listener: string; upstream: string };
  counts: ByteCounts;
}

export class ProxyTraffic {
  private series = new Map<string, Series>();

  /** The live counters for one (direction, proxy, listener, upstream) combination. */
  counts(direction: Direction, proxy: string, listener: string, upstream: string): ByteCounts {
    const key = JSON.stringify([direction, proxy, listener, upstream]);
    let s = this.series.get(key);
    if (!s) {
      s = { labels: { direction, proxy, listener, upstream }, counts: { received: 0, sent: 0 } };
      this.series.set(key, s);
    }
    return s.counts;
  }

  all(): readonly Series[] {
    return [...this.series.values()];
  }
}

export interface MetricsOptions {
  proxyMetrics: boolean;
  runtimeMetrics: boolean;
}

/** A registry serving the enabled metric groups, or undefined when none is enabled (no /metrics). */
export function createMetricsRegistry(traffic: ProxyTraffic, opts: MetricsOptions): Registry | undefined {
  if (!opts.proxyMetrics && !opts.runtimeMetrics) return undefined;
  const registry = new Registry();
  if (opts.runtimeMetrics) collectDefaultMetrics({ register: registry });
  if (opts.proxyMetrics) {
    const labelNames = [...proxyMetrics.receivedBytes.labels];
    new Counter({
      name: proxyMetrics.receivedBytes.name,
      help: proxyMetrics.receivedBytes.help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of traffic.all()) this.inc(s.labels, s.counts.received);
      },
    });
    new Counter({
      name: proxyMetrics.sentBytes.name,
      help: proxyMetrics.sentBytes.help,
      labelNames: [...proxyMetrics.sentBytes.labels],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of traffic.all()) this.inc(s.labels, s.counts.sent);
      },
    });
  }
  return registry;
}
