// Minimal Prometheus HTTP API client: readiness, instant and range queries, the alerts API.
// Only what the runner and its reports read; errors name the URL and Prometheus' own message.

export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt?: string;
  value?: string;
}

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

export interface PromSeries {
  metric: Record<string, string>;
  /** [unix seconds, value] */
  values: [number, number][];
}

export class PrometheusError extends Error {
  override name = 'PrometheusError';
}

interface ApiEnvelope<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
  errorType?: string;
}

export class PrometheusClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 5000,
  ) {}

  private async get<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const url = new URL(path.replace(/^\//, ''), this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new PrometheusError(`Prometheus at ${this.baseUrl} unreachable (${cause ?? (e as Error).message})`);
    }
    const text = await res.text();
    let body: ApiEnvelope<T>;
    try {
      body = JSON.parse(text) as ApiEnvelope<T>;
    } catch {
      throw new PrometheusError(`Prometheus ${url.pathname}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
    }
    if (body.status !== 'success')
      throw new PrometheusError(
        `Prometheus ${url.pathname}: ${body.errorType ?? 'error'}: ${body.error ?? text.slice(0, 200)}`,
      );
    return body.data;
  }

  /** True when /-/ready answers 200; otherwise throws with the reason. */
  async ready(): Promise<void> {
    let res: Response;
    try {
      res = await fetch(new URL('-/ready', this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`), {
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new PrometheusError(`Prometheus at ${this.baseUrl} unreachable (${cause ?? (e as Error).message})`);
    }
    await res.body?.cancel();
    if (res.status !== 200) throw new PrometheusError(`Prometheus at ${this.baseUrl} not ready (HTTP ${res.status})`);
  }

  async alerts(): Promise<PromAlert[]> {
    return (await this.get<{ alerts: PromAlert[] }>('/api/v1/alerts')).alerts;
  }

  /** Instant query; a scalar result becomes one sample with no labels. */
  async query(promql: string, at?: Date): Promise<PromSample[]> {
    const data = await this.get<{ resultType: string; result: unknown }>('/api/v1/query', {
      query: promql,
      ...(at ? { time: String(at.getTime() / 1000) } : {}),
    });
    if (data.resultType === 'scalar') {
      const [, v] = data.result as [number, string];
      return [{ metric: {}, value: Number(v) }];
    }
    if (data.resultType !== 'vector')
      throw new PrometheusError(`query ${promql}: expected a vector, got ${data.resultType}`);
    return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
      metric: r.metric,
      value: Number(r.value[1]),
    }));
  }

  async queryRange(promql: string, start: Date, end: Date, stepSeconds: number): Promise<PromSeries[]> {
    const data = await this.get<{
      resultType: string;
      result: { metric: Record<string, string>; values: [number, string][] }[];
    }>('/api/v1/query_range', {
      query: promql,
      start: String(start.getTime() / 1000),
      end: String(end.getTime() / 1000),
      step: String(stepSeconds),
    });
    return data.result.map((r) => ({
      metric: r.metric,
      values: r.values.map(([t, v]) => [t, Number(v)] as [number, number]),
    }));
  }
}
