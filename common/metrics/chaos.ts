// Metrics the chaos runner and the fault proxy emit (game-day annotations, proxy traffic).
import { defineMetrics } from './types.js';

export const chaosMetrics = defineMetrics('chaos', {
  gamedayActive: {
    name: 'kafka_sre_gameday_active',
    type: 'gauge',
    help: '1 while a game day runs',
    labels: ['gameday'],
  },
  faultActive: {
    name: 'kafka_sre_gameday_fault_active',
    type: 'gauge',
    help: '1 while a fault is injected (dashboard annotation source)',
    labels: ['gameday', 'fault', 'target'],
  },
});

export const proxyMetrics = defineMetrics('proxy', {
  // Toxiproxy's names and labels (--proxy-metrics): direction is upstream (client -> server) or
  // downstream (server -> client); listener and upstream are the proxy's addresses.
  receivedBytes: {
    name: 'toxiproxy_proxy_received_bytes_total',
    type: 'counter',
    help: 'Bytes the fault proxy read from the sending side of a connection',
    labels: ['direction', 'proxy', 'listener', 'upstream'],
  },
  sentBytes: {
    name: 'toxiproxy_proxy_sent_bytes_total',
    type: 'counter',
    help: 'Bytes the fault proxy wrote to the receiving side of a connection',
    labels: ['direction', 'proxy', 'listener', 'upstream'],
  },
});
