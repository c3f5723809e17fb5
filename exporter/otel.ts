// OpenTelemetry for the exporter: starting the Node SDK for traces of each collection cycle (per
// cluster, per request type) and of the probe. Standard OTEL_* variables configure the SDK
// (exporter, endpoint, service name, sampler). The spans themselves are made with
// common/tracing.ts; without the SDK started, those calls are no-ops.

export type OtelMode = 'auto' | 'on' | 'off';

/** True when the environment asks for traces (auto mode). */
export function tracesRequestedByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER) return env.OTEL_TRACES_EXPORTER !== 'none';
  return Object.keys(env).some(
    (k) => (k === 'OTEL_EXPORTER_OTLP_ENDPOINT' || k.startsWith('OTEL_EXPORTER_OTLP_TRACES_')) && env[k],
  );
}

/** True when the environment asks for OTLP/console metrics (auto mode). */
export function metricsRequestedByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return false;
  return Boolean(env.OTEL_METRICS_EXPORTER && env.OTEL_METRICS_EXPORTER !== 'none');
}

export interface OtelHandle {
  readonly traces: boolean;
  readonly metrics: boolean;
  shutdown(): Promise<void>;
}

/**
 * Start the Node SDK when traces or metrics are wanted (`auto`: when OTEL_* variables ask for
 * them). Everything else (exporter kind, endpoint, headers, service name, sampler, export
 * interval) comes from the standard OTEL_* variables.
 */
export async function startOtel(
  modes: { traces: OtelMode; metrics: OtelMode },
  serviceName = 'kafka-sre-exporter',
): Promise<OtelHandle | undefined> {
  const traces = modes.traces === 'on' || (modes.traces === 'auto' && tracesRequestedByEnv());
  const wantMetrics = modes.metrics === 'on' || (modes.metrics === 'auto' && metricsRequestedByEnv());
  if (!traces && !wantMetrics) return undefined;
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  if (!process.env.OTEL_SERVICE_NAME) process.env.OTEL_SERVICE_NAME = serviceName;
  if (!traces) process.env.OTEL_TRACES_EXPORTER = 'none';
  // No auto-instrumentations: the spans we want are our own (collection, probe).
  const sdk = new NodeSDK({ instrumentations: [], ...(wantMetrics ? {} : { metricReaders: [] }) });
  sdk.start();
  return { traces, metrics: wantMetrics, shutdown: () => sdk.shutdown() };
}
