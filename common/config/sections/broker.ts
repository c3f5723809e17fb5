// Reference cluster settings (broker/ owns this section).
import { z } from 'zod';
import { defaultPorts } from '../../ports.js';
import { port } from '../types.js';

export const brokerSection = z.strictObject({
  brokers: z.number().int().min(1).max(9).default(1).describe('number of brokers'),
  dataDir: z.string().min(1).default('.kafka-sre/data').describe('data directory (one subdirectory per broker)'),
  port: port.default(defaultPorts.brokerClient).describe('first client port (+100 per broker)'),
  metricsPort: port.default(defaultPorts.brokerMetrics).describe('first /metrics port (+1 per broker)'),
  host: z.string().default('127.0.0.1').describe('bind address'),
  autoCreateTopics: z.boolean().default(true).describe('create topics on first produce/metadata request'),
  defaultPartitions: z.number().int().min(1).max(10000).default(1),
});
