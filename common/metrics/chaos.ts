// Metrics the chaos runner and the fault proxy emit (game-day annotations, proxy traffic).
import { defineMetrics } from './types.js';

export const chaosMetrics = defineMetrics('chaos', {
  gamedayActive: { name: 'kafka_sre_gameday_active', type: 'gauge', help: '1 while a game day runs', labels: ['gameday'] },
  faultActive: { name: 'kafka_sre_gameday_fault_active', type: 'gauge', help: '1 while a fault is injected (dashboard annotation source)', labels: ['gameday', 'fault', 'target'] },
});

export const proxyMetrics = defineMetrics('proxy', {
  receivedBytes: { name: 'toxiproxy_proxy_received_bytes_total', type: 'counter', help: 'Bytes received by the proxy', labels: ['direction', 'listener', 'proxy'] },
  sentBytes: { name: 'toxiproxy_proxy_sent_bytes_total', type: 'counter', help: 'Bytes sent by the proxy', labels: ['direction', 'listener', 'proxy'] },
});
