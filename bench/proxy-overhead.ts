// Benchmark: what the fault proxy costs with no toxics. Measures, in the same run, a direct
// loopback TCP connection and the same traffic through `kafka-sre chaos proxy`:
// - throughput: one connection streaming 64 KiB writes to a sink (MB/s per round; median and
//   spread over paired rounds, direct and proxied back to back so background load hits both);
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
const { values } = parseArgs({ options: { mb: { type: 'string', default: '128' }, rounds: { type: 'string', default: '9' }, pings: { type: 'string', default: '3000' } } });
const totalBytes = Number(values.mb) * 1024 * 1024;
const rounds = Number(values.rounds);
const pings = Number(values.pings);
const writeSize = 64 * 1024;

// Upstream servers in a child process: a sink that acks with one byte after `total` bytes, and an echo.
const serverScript = `
const net = require('node:net');
const total = ${totalBytes};
const sink = net.createServer((s) => { let n = 0; s.on('data', (d) => { n += d.length; if (n >= total) { s.write('k'); n = 0; } }); s.on('error', () => {}); });
const echo = net.createServer((s) => { s.setNoDelay(true); s.on('data', (d) => s.write(d)); s.on('error', () => {}); });
sink.listen(0, '127.0.0.1', () => echo.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ sink: sink.address().port, echo: echo.address().port }))));
`;

// The reference relay: the least work a Node process can do to move bytes between two sockets.
const relayScript = (upstreamPort: number) => `
const net = require('node:net');
const server = net.createServer({ noDelay: true, pauseOnConnect: true }, (c) => {
  const u = net.connect({ port: ${upstreamPort}, host: '127.0.0.1', noDelay: true }, () => { c.pipe(u); u.pipe(c); c.resume(); });
  c.on('error', () => u.destroy()); u.on('error', () => c.destroy());
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
`;

async function startChild(cmd: string, args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
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
  const res = await fetch(url + path, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { listen: string };
}

async function open(port: number): Promise<Socket> {
  const s = connect({ port, host: '127.0.0.1', noDelay: true });
  await once(s, 'connect');
  return s;
}

async function throughput(port: number): Promise<number> {
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

/** One throughput path and the processes whose CPU time it uses (besides this one, the source). */
interface Path {
  port: number;
  sinkPid: number | undefined;
  relayPid?: number;
  mbps: number[];
  cpu: { source: number; sink: number; relay: number };
}

function path(port: number, sinkPid: number | undefined, relayPid?: number): Path {
  return { port, sinkPid, relayPid, mbps: [], cpu: { source: 0, sink: 0, relay: 0 } };
}

async function measure(p: Path): Promise<number> {
  const before = { source: ownCpuSeconds(), sink: cpuSeconds(p.sinkPid), relay: p.relayPid ? cpuSeconds(p.relayPid) : 0 };
  const mbps = await throughput(p.port);
  p.cpu.source += ownCpuSeconds() - before.source;
  p.cpu.sink += cpuSeconds(p.sinkPid) - before.sink;
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
const spread = (xs: number[]) => ({ min: round3(Math.min(...xs)), median: round3(median(xs)), max: round3(Math.max(...xs)) });

async function main(): Promise<void> {
  const servers = await startChild(process.execPath, ['-e', serverScript], /\{.*\}/);
  const ports = JSON.parse(servers.match[0]) as { sink: number; echo: number };
  const proxy = await startChild(process.execPath, [join(root, 'bin', 'kafka-sre.js'), 'chaos', 'proxy', '--port', '0', '--log-level', 'warn'], /listening on (http:\/\/\S+)/);
  const relay = await startChild(process.execPath, ['-e', relayScript(ports.sink)], /\{.*\}/);
  const url = proxy.match[1];
  try {
    const sinkProxy = await api(url, 'POST', '/proxies', { name: 'sink', listen: '127.0.0.1:0', upstream: `127.0.0.1:${ports.sink}` });
    const echoProxy = await api(url, 'POST', '/proxies', { name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${ports.echo}` });
    const portOf = (l: string) => Number(l.slice(l.lastIndexOf(':') + 1));
    // Same sink behind a proxy with a noop toxic: data then goes through the toxic stage path.
    const stagedProxy = await api(url, 'POST', '/proxies', { name: 'sink_staged', listen: '127.0.0.1:0', upstream: `127.0.0.1:${ports.sink}` });
    await fetch(`${url}/proxies/sink_staged/toxics`, { method: 'POST', body: JSON.stringify({ type: 'noop', stream: 'upstream' }) });

    const direct = path(ports.sink, servers.child.pid);
    const proxied = path(portOf(sinkProxy.listen), servers.child.pid, proxy.child.pid);
    const piped = path(JSON.parse(relay.match[0]).port as number, servers.child.pid, relay.child.pid);
    const staged = path(portOf(stagedProxy.listen), servers.child.pid, proxy.child.pid);
    for (const p of [direct, proxied, piped, staged]) await throughput(p.port); // warm-up: JIT, TCP buffer autotuning

    const ratios: number[] = [];
    const relayRatios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Back to back, order alternating, so background load on the shared machine hits both sides alike.
      const order = r % 2 === 0 ? [direct, proxied, piped] : [piped, proxied, direct];
      for (const p of order) await measure(p);
      const [d, p, q] = [direct.mbps[r], proxied.mbps[r], piped.mbps[r]];
      ratios.push(p / d);
      relayRatios.push(q / d);
    }
    for (let r = 0; r < rounds; r++) await measure(staged);
    const rtt = await latency(ports.echo, portOf(echoProxy.listen));

    const gigabytes = (rounds * totalBytes) / 1e9;
    const perGB = (x: number) => round3(x / gigabytes);
    const cpu = (p: Path, relayName: string) => ({ source: perGB(p.cpu.source), sink: perGB(p.cpu.sink), ...(p.relayPid ? { [relayName]: perGB(p.cpu.relay) } : {}), total: perGB(p.cpu.source + p.cpu.sink + p.cpu.relay) });
    const totalCpu = (p: Path) => p.cpu.source + p.cpu.sink + p.cpu.relay;
    const result = {
      benchmark: 'proxy-overhead',
      settings: { megabytesPerRound: totalBytes / 1024 / 1024, rounds, pings, writeSize, pingSize: 64 },
      direct: { throughputMBps: round3(median(direct.mbps)), rounds: direct.mbps.map(round3), rttP50Ms: round3(quantile(rtt.direct, 0.5)), rttP99Ms: round3(quantile(rtt.direct, 0.99)) },
      proxy: { throughputMBps: round3(median(proxied.mbps)), rounds: proxied.mbps.map(round3), rttP50Ms: round3(quantile(rtt.proxy, 0.5)), rttP99Ms: round3(quantile(rtt.proxy, 0.99)) },
      proxyWithNoopToxic: { throughputMBps: round3(median(staged.mbps)), rounds: staged.mbps.map(round3) },
      // socket.pipe relay in its own process: what the extra hop costs any Node relay.
      nodePipeRelay: { throughputMBps: round3(median(piped.mbps)), rounds: piped.mbps.map(round3), ratioToDirect: spread(relayRatios) },
      // Median of the per-round proxy/direct ratios (each pair measured back to back), and its spread.
      throughputRatio: round3(median(ratios)),
      throughputRatioSpread: spread(ratios),
      proxyToPipeRelay: round3(median(proxied.mbps) / median(piped.mbps)),
      // CPU seconds per GB moved, per process. Direct: one copy into and one out of the kernel;
      // proxied: the proxy does both again. When the cores are the limit, throughput ratio
      // ~ directTotal / proxiedTotal (cpuBoundRatio).
      cpuSecondsPerGB: { direct: cpu(direct, 'relay'), proxy: cpu(proxied, 'proxy'), nodePipeRelay: cpu(piped, 'relay') },
      cpuBoundRatio: round3(totalCpu(direct) / totalCpu(proxied)),
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
