// Typed client for the reference cluster launcher's admin API (broker/cluster/admin-api.ts; routes
// documented in broker/cluster/README.md). The chaos runner's process faults and the cluster tests
// (test/cluster-support.ts) use it.
//
//   GET  /nodes                          -> LauncherNode[]
//   GET  /cluster                        -> ClusterState
//   POST /nodes/{id}/kill                -> 204   SIGKILL (stays down until /restart)
//   POST /nodes/{id}/stop                -> 204   SIGTERM: controlled shutdown, waits for the exit
//   POST /nodes/{id}/restart             -> 204   start again from its data directory (after it is ready)
//   POST /nodes/{id}/pause               -> 204   SIGSTOP
//   POST /nodes/{id}/resume              -> 204   SIGCONT
//   PUT  /nodes/{id}/log-dir-capacity    body {"bytes": N | null}  -> 204 (null = the real file system)
// Errors: non-2xx with {"error": "..."}: 404 unknown node or route, 409 wrong state (e.g. a stopped
// node's capacity), 400 bad body.
import { adminClientHeaders } from '../../common/index.js';

export type NodeRole = 'broker' | 'controller';
export type NodeState = 'running' | 'paused' | 'stopped';

export interface LauncherNode {
  id: number;
  pid: number | null;
  roles: NodeRole[];
  state: NodeState;
  ports: { client?: number; replication?: number; controller?: number; metrics?: number };
  /** What clients and other brokers are told per listener (a proxy when a drill routes through one). */
  advertised?: Record<'client' | 'interBroker' | 'controller', { host: string; port: number }>;
  logDir: { path: string; usedBytes: number; capacityBytes: number | null; offline?: boolean };
  /** From the node itself (GET /admin/state); false / null while it is not running. */
  activeController?: boolean;
  fenced?: boolean | null;
  quorumRole?: string | null;
  /** How the node's last process ended (null if it never has). */
  lastExit?: { code: number | null; signal: string | null; at: string } | null;
}

export interface ClusterState {
  nodes: LauncherNode[];
  /** Node id of the active controller, null while there is none (quorum lost). */
  activeController: number | null;
  controllerVoters: number[];
}

export class LauncherError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LauncherError';
  }
}

export class LauncherClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = this.timeoutMs,
  ): Promise<T | undefined> {
    const url = new URL(path, this.baseUrl);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        // The launcher asks for the admin token when KAFKA_SRE_ADMIN_TOKEN is set.
        headers: { ...adminClientHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw new LauncherError(`launcher admin API ${url.href} unreachable: ${(e as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) {
      let detail = text;
      try {
        detail = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        /* plain-text error */
      }
      throw new LauncherError(`launcher ${method} ${path}: HTTP ${res.status}: ${detail}`, res.status);
    }
    return text ? (JSON.parse(text) as T) : undefined;
  }

  async nodes(): Promise<LauncherNode[]> {
    return (await this.call<LauncherNode[]>('GET', '/nodes')) ?? [];
  }
  async cluster(): Promise<ClusterState> {
    const s = await this.call<ClusterState>('GET', '/cluster');
    if (!s) throw new LauncherError('launcher GET /cluster: empty answer');
    return s;
  }
  async kill(id: number): Promise<void> {
    await this.call('POST', `/nodes/${id}/kill`);
  }
  async stop(id: number): Promise<void> {
    // A controlled shutdown takes at most 5 s (broker/cluster/stop-bounds.ts); the node then stops within 10 s.
    await this.call('POST', `/nodes/${id}/stop`, undefined, Math.max(this.timeoutMs, 120_000));
  }
  async restart(id: number): Promise<void> {
    // Answers once the node is ready again (recovery, registration): can take a while.
    await this.call('POST', `/nodes/${id}/restart`, undefined, Math.max(this.timeoutMs, 120_000));
  }
  async pause(id: number): Promise<void> {
    await this.call('POST', `/nodes/${id}/pause`);
  }
  async resume(id: number): Promise<void> {
    await this.call('POST', `/nodes/${id}/resume`);
  }
  async setLogDirCapacity(id: number, bytes: number | null): Promise<void> {
    await this.call('PUT', `/nodes/${id}/log-dir-capacity`, { bytes });
  }
}
