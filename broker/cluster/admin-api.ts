// The launcher's admin API (HTTP on loopback), used by the chaos runner (chaos/faults/launcher-client.ts):
//   GET  /nodes                        -> nodes with pid, roles, state, ports, log dir size/capacity
//   GET  /cluster                      -> nodes, active controller (null while none), voters
//   POST /nodes/{id}/kill              -> 204  SIGKILL
//   POST /nodes/{id}/stop              -> 204  SIGTERM: controlled shutdown
//   POST /nodes/{id}/restart           -> 204  start again from its data directory
//   POST /nodes/{id}/pause             -> 204  SIGSTOP
//   POST /nodes/{id}/resume            -> 204  SIGCONT
//   PUT  /nodes/{id}/log-dir-capacity  {"bytes": N | null}  -> 204 (null = the real file system)
// Errors: non-2xx with {"error": "..."}; 404 for an unknown node or route, 409 for a state conflict.
// Every request passes the shared admin guard (common/admin-guard.ts): 403 from a browser, 413 for a
// body over 64 KiB, 401 without the token when KAFKA_SRE_ADMIN_TOKEN is set.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { adminGuard, AdminRequestError, type AdminGuard, type Logger } from '../../common/index.js';
import { ClusterLauncher, LauncherError, dirBytes } from './launcher.js';
import { nodeAdminToken } from './spec.js';

async function describeNodes(launcher: ClusterLauncher) {
  return Promise.all(
    [...launcher.nodes.values()].map(async (n) => {
      const s = await launcher.nodeAdminState(n.spec.nodeId);
      return {
        id: n.spec.nodeId,
        pid: n.child?.pid ?? null,
        roles: n.spec.voter ? ['broker', 'controller'] : ['broker'],
        state: n.state,
        ports: {
          client: n.spec.bind.client.port,
          replication: n.spec.bind.interBroker.port,
          controller: n.spec.bind.controller.port,
          metrics: n.spec.bind.metrics.port,
        },
        advertised: n.spec.advertised,
        logDir: {
          path: launcher.logDir(n.spec.nodeId),
          usedBytes: s?.logDir.usedBytes ?? dirBytes(launcher.logDir(n.spec.nodeId)),
          capacityBytes: s?.logDir.capacityBytes ?? null,
          offline: s?.logDir.offline ?? false,
        },
        activeController: s?.activeController ?? false,
        fenced: s?.fenced ?? null,
        quorumRole: s?.raft.role ?? null,
        lastExit: n.lastExit,
      };
    }),
  );
}

/** What the nodes' admin routes ask for (cluster/spec.ts nodeAdminToken). */
function nodeAdminHeaders(launcher: ClusterLauncher): Record<string, string> {
  const token = nodeAdminToken(launcher.spec);
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function route(
  launcher: ClusterLauncher,
  guard: AdminGuard,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body) + '\n');
  };
  const refused = guard.check(req);
  if (refused) {
    res.setHeader('connection', 'close');
    return json(refused.status, { error: refused.message });
  }
  const url = new URL(req.url ?? '/', 'http://launcher');
  if (req.method === 'GET' && url.pathname === '/nodes') return json(200, await describeNodes(launcher));
  if (req.method === 'GET' && url.pathname === '/cluster') {
    const nodes = await describeNodes(launcher);
    const active = nodes.filter((n) => n.activeController).map((n) => n.id);
    return json(200, {
      nodes,
      activeController: active.length === 1 ? active[0] : null,
      controllerVoters: launcher.spec.nodes.filter((n) => n.voter).map((n) => n.nodeId),
    });
  }
  const m = /^\/nodes\/(\d+)\/(kill|stop|restart|pause|resume|log-dir-capacity)$/.exec(url.pathname);
  if (!m) return json(404, { error: `no route ${req.method} ${url.pathname}` });
  const id = Number(m[1]);
  const n = launcher.node(id);
  const action = m[2];
  if (action === 'log-dir-capacity') {
    if (req.method !== 'PUT') return json(405, { error: 'use PUT' });
    const body = await guard.readBody(req);
    if (n.state !== 'running')
      throw new LauncherError(`node ${id} is ${n.state}: its log-dir capacity can only be set while it runs`, 409);
    const mp = n.spec.bind.metrics;
    const r = await fetch(`http://${mp.host === '0.0.0.0' ? '127.0.0.1' : mp.host}:${mp.port}/admin/log-dir-capacity`, {
      method: 'PUT',
      body,
      headers: { 'content-type': 'application/json', ...nodeAdminHeaders(launcher) },
      signal: AbortSignal.timeout(5000),
    });
    if (!r.ok)
      return json(r.status, {
        error: ((await r.json().catch(() => ({}))) as { error?: string }).error ?? `node answered HTTP ${r.status}`,
      });
    res.writeHead(204).end();
    return;
  }
  if (req.method !== 'POST') return json(405, { error: 'use POST' });
  if (action === 'kill') await launcher.kill(id);
  else if (action === 'stop') await launcher.stop(id);
  else if (action === 'restart') await launcher.restart(id);
  else if (action === 'pause') launcher.pause(id);
  else launcher.resume(id);
  res.writeHead(204).end();
}

export async function startAdminApi(
  launcher: ClusterLauncher,
  host: string,
  port: number,
  logger: Logger,
): Promise<{ server: Server; url: string }> {
  const guard = adminGuard({ name: 'cluster launcher admin API', host, maxBodyBytes: 65536 });
  const server = createServer((req, res) => {
    route(launcher, guard, req, res).catch((e: unknown) => {
      const status = e instanceof LauncherError || e instanceof AdminRequestError ? e.status : 500;
      if (e instanceof AdminRequestError) res.setHeader('connection', 'close');
      if (status === 500) logger.error({ err: e }, 'launcher admin request failed');
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: (e as Error).message }) + '\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as { port: number };
  return { server, url: `http://${host}:${addr.port}` };
}
