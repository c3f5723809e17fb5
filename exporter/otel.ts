// OpenTelemetry for the exporter: traces of each collection cycle (per cluster, per request
// type) and of the probe. Standard OTEL_* variables configure the SDK (exporter, endpoint,
// service name, sampler); without the SDK started, the API calls below are no-ops.
import { context, propagation, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

export const tracer = () => trace.getTracer('kafka-sre-exporter');

/** Run `fn` in a span; errors mark the span and are rethrown. */
export async function traced<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
      throw e;
    } finally {
      span.end();
    }
  });
}

/** W3C trace context of the active span as record headers (traceparent, tracestate). */
export function injectHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

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
