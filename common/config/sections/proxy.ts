// Toxiproxy-compatible fault proxy settings (chaos/proxy owns this section).
import { z } from 'zod';
import { defaultPorts } from '../../ports.js';
import { port } from '../types.js';

export const proxySection = z.strictObject({
  host: z.string().min(1).default('127.0.0.1').describe('API bind address (loopback unless set explicitly)'),
  port: port.default(defaultPorts.proxyApi).describe('API port (Toxiproxy default 8474; 0 picks a free port)'),
  populate: z.string().min(1).optional().describe('JSON file of proxies to create at start (Toxiproxy -config format)'),
  proxyMetrics: z.boolean().default(false).describe('serve toxiproxy_proxy_* byte counters on /metrics'),
  runtimeMetrics: z.boolean().default(false).describe('serve Node runtime metrics on /metrics'),
  seed: z.number().int().optional().describe('seed for toxicity rolls, jitter and slicing'),
});
