// `kafka-sre up` composes services contributed by each part (reference cluster, proxy,
// exporter, Prometheus with the generated rules, Alertmanager). A part exports a ServiceStarter
// from its front door and cli/up.ts lists it; every started service prints where it listens and
// is stopped in reverse order.
import type { ToolkitConfig } from '../config/schema.js';
import type { Logger } from '../logging.js';

export interface Endpoint {
  what: string;
  url: string;
}

export interface RunningService {
  name: string;
  endpoints: Endpoint[];
  stop(): Promise<void>;
}

export interface UpContext {
  config: ToolkitConfig;
  logger: Logger;
  /** Services already started (a later service may need an earlier one's endpoints). */
  started: readonly RunningService[];
}

export interface ServiceStarter {
  name: string;
  start(ctx: UpContext): Promise<RunningService>;
}
