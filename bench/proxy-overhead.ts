// Benchmark: what the fault proxy costs with no toxics. Measures, in the same run, a direct
// loopback TCP connection and the same traffic through `kafka-sre chaos proxy`:
// - throughput: one connection streaming 64 KiB writes to a sink (upload: client -> upstream), and
//   one connection reading from a source server (download: upstream -> client, the direction of
//   Kafka fetches). MB/s per round; median and spread over paired rounds, direct and proxied back
//   to back so background load hits both;
// - CPU seconds per GB relayed for every process (source = this process, sink, proxy): on a busy
//   2-core machine throughput follows CPU cost, and these numbers say where the cost is;
// - a reference relay: a plain Node `socket.pipe` relay in its own process, the floor any Node
//   relay pays for the extra hop (the proxy is compared with it, the target with direct);
// - round-trip latency: 64-byte ping-pong with an echo server (p50/p99, added = proxy - direct),
//   in interleaved batches.
// The source is this process; the sink/echo servers, the proxy and the relay each run in their
// own process, like in real use. Prints JSON; never asserts (targets: >= 80 % of direct
// throughput, < 0.2 ms added at p50).
// Run: node --import tsx bench/proxy-overhead.ts [--mb 128] [--rounds 9] [--pings 3000]
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '128' },
    rounds: { type: 'string', default: '9' },
    pings: { type: 'string', default: '3000' },
  },
});
const totalBytes = Number(values.mb) * 1024 * 1024;
const rounds = Number(values.rounds);
const pings = Number(values.pings);
const writeSize = 64 * 1024;

// Upstream servers in a child process: a sink that acks with one byte after `total` bytes, a source
// that sends `total` bytes in 64 KiB writes and closes, and an echo.
const serverScript = `
const net = require('node:net');
const total = ${totalBytes};
const sink = net.createServer((s) => { let n = 0; s.on('data', (d) => { n += d.length; if (n >= total) { s.write('k'); n = 0; } }); s.on('error', () => {}); });
const source = net.createServer((s) => {
  const chunk = Buffer.alloc(${writeSize}, 7);
  let sent = 0;
  const pump = () => { while (sent < total) { sent += chunk.length; if (!s.write(chunk)) return s.once('drain', pump); } s.end(); };
  pump(); s.on('error', () => {});
});
const echo = net.createServer((s) => { s.setNoDelay(true); s.on('data', (d) => s.write(d)); s.on('error', () => {}); });
const ports = {};
const listen = (name, server) => new Promise((r) => server.listen(0, '127.0.0.1', () => r(ports[name] = server.address().port)));
Promise.all([listen('sink', sink), listen('source', source), listen('echo', echo)]).then(() => console.log(JSON.stringify(ports)));
`;

// The reference relay: the least work a Node process can do to move bytes between two sockets
// (one listener per upstream, printed as {"<name>": port}).
const relayScript = (upstreams: Record<string, number>) => `
const net = require('node:net');
const relay = (upstreamPort) => net.createServer({ noDelay: true, pauseOnConnect: true }, (c) => {
  const u = net.connect({ port: upstreamPort, host: '127.0.0.1', noDelay: true }, () => { c.pipe(u); u.pipe(c); c.resume(); });
  c.on('error', () => u.destroy()); u.on('error', () => c.destroy());
});
const upstreams = ${JSON.stringify(upstreams)};
const ports = {};
Promise.all(Object.entries(upstreams).map(([name, port]) => new Promise((r) => { const s = relay(port); s.listen(0, '127.0.0.1', () => r(ports[name] = s.address().port)); })))
  .then(() => console.log(JSON.stringify(ports)));
`;

async function startChild(
  cmd: string,
  args: string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    const m = out.match(ready);
    if (m) return { child, match: m };
  }
  throw new Error(`${cmd} exited before it was ready: ${out}`);
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function api(url: string, method: string, path: string, body: unknown): Promise<{ listen: string }> {
  const res = await fetch(url + path, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { listen: string };
}

async function open(port: number): Promise<Socket> {
  const s = connect({ port, host: '127.0.0.1', noDelay: true });
  await once(s, 'connect');
  return s;
}

async function upload(port: number): Promise<number> {
  const s = await open(port);
  const chunk = Buffer.alloc(writeSize, 7);
  const acked = once(s, 'data');
  const start = performance.now();
  for (let sent = 0; sent < totalBytes; sent += chunk.length) {
    if (!s.write(chunk)) await once(s, 'drain');
  }
  await acked;
  const seconds = (performance.now() - start) / 1000;
  s.destroy();
  return totalBytes / 1e6 / seconds;
}

async function download(port: number): Promise<number> {
  const start = performance.now();
  const s = await open(port);
  let got = 0;
  s.on('data', (d: Buffer) => (got += d.length));
  await once(s, 'end');
  const seconds = (performance.now() - start) / 1000;
  s.destroy();
  if (got !== totalBytes) throw new Error(`download got ${got} of ${totalBytes} bytes`);
  return totalBytes / 1e6 / seconds;
}

/** One throughput path and the CPU time its processes used: this one (client), the server child, the relay. */
interface Path {
  port: number;
  transfer: (port: number) => Promise<number>;
  serverPid: number | undefined;
  relayPid?: number;
  mbps: number[];
  cpu: { client: number; server: number; relay: number };
}

function path(
  transfer: (port: number) => Promise<number>,
  port: number,
  serverPid: number | undefined,
  relayPid?: number,
): Path {
  return { port, transfer, serverPid, relayPid, mbps: [], cpu: { client: 0, server: 0, relay: 0 } };
}

async function measure(p: Path): Promise<number> {
  const before = {
    client: ownCpuSeconds(),
    server: cpuSeconds(p.serverPid),
    relay: p.relayPid ? cpuSeconds(p.relayPid) : 0,
  };
  const mbps = await p.transfer(p.port);
  p.cpu.client += ownCpuSeconds() - before.client;
  p.cpu.server += cpuSeconds(p.serverPid) - before.server;
  if (p.relayPid) p.cpu.relay += cpuSeconds(p.relayPid) - before.relay;
  p.mbps.push(mbps);
  return mbps;
}

/** `count` ping-pong round trips (ms) on an open connection. */
async function roundTrips(s: Socket, count: number): Promise<number[]> {
  const msg = Buffer.alloc(64, 1);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const back = new Promise<void>((resolve) => {
      let got = 0;
      const onData = (d: Buffer) => {
        got += d.length;
        if (got >= msg.length) {
          s.off('data', onData);
          resolve();
        }
      };
      s.on('data', onData);
    });
    s.write(msg);
    await back;
    times.push(performance.now() - start);
  }
  return times;
}

/** Round trips direct and through the proxy in alternating batches, after a warm-up on each. */
async function latency(directPort: number, proxyPort: number): Promise<{ direct: number[]; proxy: number[] }> {
  const [d, p] = [await open(directPort), await open(proxyPort)];
  await roundTrips(d, 200);
  await roundTrips(p, 200);
  const out = { direct: [] as number[], proxy: [] as number[] };
  const batch = 250;
  for (let done = 0; done < pings; done += batch) {
    out.direct.push(...(await roundTrips(d, Math.min(batch, pings - done))));
    out.proxy.push(...(await roundTrips(p, Math.min(batch, pings - done))));
  }
  d.destroy();
  p.destroy();
  return out;
}

function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const median = (xs: number[]) => quantile(xs, 0.5);
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const spread = (xs: number[]) => ({
  min: round3(Math.min(...xs)),
  median: round3(median(xs)),
  max: round3(Math.max(...xs)),
});

/** Paired rounds of one transfer direct, through the proxy and through the pipe relay. */
interface Comparison {
  direct: Path;
  proxy: Path;
  relay: Path;
  ratios: number[];
  relayRatios: number[];
}

async function compareRound(c: Comparison, r: number): Promise<void> {
  // Back to back, order alternating, so background load on the shared machine hits all alike.
  const order = r % 2 === 0 ? [c.direct, c.proxy, c.relay] : [c.relay, c.proxy, c.direct];
  for (const p of order) await measure(p);
  const [d, p, q] = [c.direct.mbps[r], c.proxy.mbps[r], c.relay.mbps[r]];
  c.ratios.push(p / d);
  c.relayRatios.push(q / d);
}

async function main(): Promise<void> {
  const servers = await startChild(process.execPath, ['-e', serverScript], /\{.*\}/);
  const ports = JSON.parse(servers.match[0]) as { sink: number; source: number; echo: number };
  const proxy = await startChild(
    process.execPath,
    [join(root, 'bin', 'kafka-sre.js'), 'chaos', 'proxy', '--port', '0', '--log-level', 'warn'],
    /listening on (http:\/\/\S+)/,
  );
  const relay = await startChild(
    process.execPath,
    ['-e', relayScript({ sink: ports.sink, source: ports.source })],
    /\{.*\}/,
  );
  const relayPorts = JSON.parse(relay.match[0]) as { sink: number; source: number };
  const url = proxy.match[1];
  try {
    const portOf = (l: string) => Number(l.slice(l.lastIndexOf(':') + 1));
    const proxyTo = async (name: string, upstreamPort: number) =>
      portOf(
        (await api(url, 'POST', '/proxies', { name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstreamPort}` }))
          .listen,
      );
    const sinkProxy = await proxyTo('sink', ports.sink);
    const sourceProxy = await proxyTo('source', ports.source);
    const echoProxy = await proxyTo('echo', ports.echo);
    // Same sink behind a proxy with a noop toxic: data then goes through the toxic stage path.
    const stagedProxy = await proxyTo('sink_staged', ports.sink);
    await fetch(`${url}/proxies/sink_staged/toxics`, {
      method: 'POST',
      body: JSON.stringify({ type: 'noop', stream: 'upstream' }),
    });

    const [serverPid, proxyPid, relayPid] = [servers.child.pid, proxy.child.pid, relay.child.pid];
    const comparison = (
      transfer: (port: number) => Promise<number>,
      directPort: number,
      proxyPort: number,
      relayPort: number,
    ): Comparison => ({
      direct: path(transfer, directPort, serverPid),
      proxy: path(transfer, proxyPort, serverPid, proxyPid),
      relay: path(transfer, relayPort, serverPid, relayPid),
      ratios: [],
      relayRatios: [],
    });
    const up = comparison(upload, ports.sink, sinkProxy, relayPorts.sink);
    const down = comparison(download, ports.source, sourceProxy, relayPorts.source);
    const staged = path(upload, stagedProxy, serverPid, proxyPid);
    // Warm-up: JIT, TCP buffer autotuning.
    for (const p of [up.direct, up.proxy, up.relay, down.direct, down.proxy, down.relay, staged])
      await p.transfer(p.port);

    for (let r = 0; r < rounds; r++) {
      await compareRound(up, r);
      await compareRound(down, r);
    }
    for (let r = 0; r < rounds; r++) await measure(staged);
    const rtt = await latency(ports.echo, echoProxy);

    const gigabytes = (rounds * totalBytes) / 1e9;
    const perGB = (x: number) => round3(x / gigabytes);
    // client: this process; server: the sink/source child; plus the proxy or relay in between.
    const cpu = (p: Path, relayName: string) => ({
      client: perGB(p.cpu.client),
      server: perGB(p.cpu.server),
      ...(p.relayPid ? { [relayName]: perGB(p.cpu.relay) } : {}),
      total: perGB(p.cpu.client + p.cpu.server + p.cpu.relay),
    });
    const totalCpu = (p: Path) => p.cpu.client + p.cpu.server + p.cpu.relay;
    const report = (c: Comparison) => ({
      directMBps: round3(median(c.direct.mbps)),
      proxyMBps: round3(median(c.proxy.mbps)),
      pipeRelayMBps: round3(median(c.relay.mbps)),
      rounds: {
        direct: c.direct.mbps.map(round3),
        proxy: c.proxy.mbps.map(round3),
        pipeRelay: c.relay.mbps.map(round3),
      },
      // Median of the per-round proxy/direct ratios (each pair measured back to back) and spread.
      ratio: spread(c.ratios),
      pipeRelayRatio: spread(c.relayRatios),
      // CPU seconds per GB moved, per process. Direct: one copy into the kernel and one out; the
      // proxy does both again. When the cores are the limit, ratio ~ cpuBoundRatio.
      cpuSecondsPerGB: {
        direct: cpu(c.direct, 'relay'),
        proxy: cpu(c.proxy, 'proxy'),
        pipeRelay: cpu(c.relay, 'relay'),
      },
      cpuBoundRatio: round3(totalCpu(c.direct) / totalCpu(c.proxy)),
    });
    const result = {
      benchmark: 'proxy-overhead',
      settings: { megabytesPerRound: totalBytes / 1024 / 1024, rounds, pings, writeSize, pingSize: 64 },
      direct: {
        throughputMBps: round3(median(up.direct.mbps)),
        rttP50Ms: round3(quantile(rtt.direct, 0.5)),
        rttP99Ms: round3(quantile(rtt.direct, 0.99)),
      },
      proxy: {
        throughputMBps: round3(median(up.proxy.mbps)),
        rttP50Ms: round3(quantile(rtt.proxy, 0.5)),
        rttP99Ms: round3(quantile(rtt.proxy, 0.99)),
      },
      // The headline ratio: upload (client -> upstream), median of paired rounds.
      throughputRatio: round3(median(up.ratios)),
      upload: report(up),
      download: report(down),
      proxyWithNoopToxic: { uploadMBps: round3(median(staged.mbps)), rounds: staged.mbps.map(round3) },
      cores: availableParallelism(),
      loadAverage1m: round3(loadavg()[0]),
      addedLatencyP50Ms: round3(quantile(rtt.proxy, 0.5) - quantile(rtt.direct, 0.5)),
      addedLatencyP99Ms: round3(quantile(rtt.proxy, 0.99) - quantile(rtt.direct, 0.99)),
      targets: { throughputRatioAtLeast: 0.8, addedLatencyP50MsBelow: 0.2 },
    };
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } finally {
    servers.child.kill('SIGTERM');
    proxy.child.kill('SIGTERM');
    relay.child.kill('SIGTERM');
  }
}

await main();
