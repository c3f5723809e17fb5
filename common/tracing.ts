// Tracing helpers on the OpenTelemetry API: spans around Kafka requests (kafka-client), collection
// cycles and the probe (exporter). Without an SDK started (exporter/otel.ts starts one when asked),
// every call here is a no-op.
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
