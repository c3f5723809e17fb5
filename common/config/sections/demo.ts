// The demo workload `kafka-sre up` runs so the dashboards show a living cluster (chaos/load/demo-workload.ts owns it).
import { z } from 'zod';

export const demoSection = z.strictObject({
  enabled: z.boolean().default(true).describe('run the demo workload in `up` (`up --no-demo` turns it off)'),
  recordsPerSecond: z
    .number()
    .positive()
    .max(10_000)
    .default(20)
    .describe('demo-orders records per second (demo-clicks gets half)'),
  slowGroupTrailSeconds: z
    .number()
    .min(1)
    .max(50)
    .default(15)
    .describe('how far (seconds) the slow group demo-clicks-audit trails the head: visible lag that does not alert'),
});
