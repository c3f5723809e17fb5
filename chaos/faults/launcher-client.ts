// Typed client for the reference cluster launcher's admin API (issue 4, "small admin API, HTTP on
// loopback"). WAITING FOR ISSUE 4: the launcher is not built yet, so the routes below are the
// contract this runner proposes from the list (list nodes with pids/ports/roles, kill,
// restart, pause, resume, set a log-directory capacity, show the cluster state). Nothing here is
// exercised by tests until the launcher exists; the lead aligns the two when issue 4 lands.
//
//   GET  /nodes                          -> LauncherNode[]
//   GET  /cluster                        -> ClusterState
//   POST /nodes/{id}/kill                -> 204   SIGKILL
//   POST /nodes/{id}/restart             -> 204   start again from its data directory
//   POST /nodes/{id}/pause               -> 204   SIGSTOP
//   POST /nodes/{id}/resume              -> 204   SIGCONT
//   PUT  /nodes/{id}/log-dir-capacity    body {"bytes": N | null}  -> 204 (null = unlimited)
// Errors: non-2xx with {"error": "..."}.

export type NodeRole = 'broker' | 'controller';
export type NodeState = 'running' | 'paused' | 'stopped';

export interface LauncherNode {
  id: number;
  pid: number | null;
  roles: NodeRole[];
  state: NodeState;
  ports: { client?: number; replication?: number; controller?: number; metrics?: number };
  logDir: { path: string; usedBytes: number; capacityBytes: number | null };
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

  private async call<T>(method: string, path: string, body?: unknown): Promise<T | undefined> {
    const url = new URL(path, this.baseUrl);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
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
  async restart(id: number): Promise<void> {
    await this.call('POST', `/nodes/${id}/restart`);
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
