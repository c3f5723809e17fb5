// Benchmark: what the fault proxy costs with no toxics. Measures, in the same run, a direct
// loopback TCP connection and the same traffic through `kafka-sre chaos proxy`:
// - throughput: one connection streaming 64 KiB writes to a sink (MB/s, best of N rounds);
// - round-trip latency: 64-byte ping-pong with an echo server (p50/p99, added = proxy - direct).
// The sink/echo server and the proxy each run in their own process, like in real use.
// Prints JSON; never asserts (targets: >= 80 % of direct throughput, < 0.2 ms added at p50).
// Run: node --import tsx bench/proxy-overhead.ts [--mb 256] [--rounds 3] [--pings 3000]
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { mb: { type: 'string', default: '256' }, rounds: { type: 'string', default: '3' }, pings: { type: 'string', default: '3000' } } });
const totalBytes = Number(values.mb) * 1024 * 1024;
const rounds = Number(values.rounds);
const pings = Number(values.pings);

// Upstream servers in a child process: a sink that acks with one byte after `total` bytes, and an echo.
const serverScript = `
const net = require('node:net');
const total = ${totalBytes};
const sink = net.createServer((s) => { let n = 0; s.on('data', (d) => { n += d.length; if (n >= total) { s.write('k'); n = 0; } }); s.on('error', () => {}); });
const echo = net.createServer((s) => { s.setNoDelay(true); s.on('data', (d) => s.write(d)); s.on('error', () => {}); });
sink.listen(0, '127.0.0.1', () => echo.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ sink: sink.address().port, echo: echo.address().port }))));
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
  const chunk = Buffer.alloc(64 * 1024, 7);
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

async function roundTrips(port: number): Promise<number[]> {
  const s = await open(port);
  const msg = Buffer.alloc(64, 1);
  const times: number[] = [];
  for (let i = 0; i < pings + 200; i++) {
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
    if (i >= 200) times.push(performance.now() - start); // first 200 are warm-up
  }
  s.destroy();
  return times;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

async function main(): Promise<void> {
  const servers = await startChild(process.execPath, ['-e', serverScript], /\{.*\}/);
  const ports = JSON.parse(servers.match[0]) as { sink: number; echo: number };
  const proxy = await startChild(process.execPath, [join(root, 'bin', 'kafka-sre.js'), 'chaos', 'proxy', '--port', '0', '--log-level', 'warn'], /listening on (http:\/\/\S+)/);
  const url = proxy.match[1];
  try {
    const sinkProxy = await api(url, 'POST', '/proxies', { name: 'sink', listen: '127.0.0.1:0', upstream: `127.0.0.1:${ports.sink}` });
    const echoProxy = await api(url, 'POST', '/proxies', { name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${ports.echo}` });
    const portOf = (l: string) => Number(l.slice(l.lastIndexOf(':') + 1));
    // Same sink behind a proxy with a noop toxic: data then goes through the toxic stage path.
    const stagedProxy = await api(url, 'POST', '/proxies', { name: 'sink_staged', listen: '127.0.0.1:0', upstream: `127.0.0.1:${ports.sink}` });
    await fetch(`${url}/proxies/sink_staged/toxics`, { method: 'POST', body: JSON.stringify({ type: 'noop', stream: 'upstream' }) });

    const direct: number[] = [];
    const proxied: number[] = [];
    let proxyCpu = 0;
    let sinkCpu = 0;
    for (let r = 0; r < rounds; r++) {
      // Alternate so background load on the shared machine hits both sides alike.
      direct.push(await throughput(ports.sink));
      const [p0, s0] = [cpuSeconds(proxy.child.pid), cpuSeconds(servers.child.pid)];
      proxied.push(await throughput(portOf(sinkProxy.listen)));
      proxyCpu += cpuSeconds(proxy.child.pid) - p0;
      sinkCpu += cpuSeconds(servers.child.pid) - s0;
    }
    const gigabytes = (rounds * totalBytes) / 1e9;
    const staged: number[] = [];
    for (let r = 0; r < rounds; r++) staged.push(await throughput(portOf(stagedProxy.listen)));
    const rttDirect = (await roundTrips(ports.echo)).sort((a, b) => a - b);
    const rttProxy = (await roundTrips(portOf(echoProxy.listen))).sort((a, b) => a - b);

    const best = (xs: number[]) => Math.max(...xs);
    const result = {
      benchmark: 'proxy-overhead',
      settings: { megabytesPerRound: totalBytes / 1024 / 1024, rounds, pings, writeSize: 65536, pingSize: 64 },
      direct: { throughputMBps: round3(best(direct)), rounds: direct.map(round3), rttP50Ms: round3(quantile(rttDirect, 0.5)), rttP99Ms: round3(quantile(rttDirect, 0.99)) },
      proxy: { throughputMBps: round3(best(proxied)), rounds: proxied.map(round3), rttP50Ms: round3(quantile(rttProxy, 0.5)), rttP99Ms: round3(quantile(rttProxy, 0.99)) },
      proxyWithNoopToxic: { throughputMBps: round3(best(staged)), rounds: staged.map(round3) },
      throughputRatio: round3(best(proxied) / best(direct)),
      // CPU cost per GB relayed: the proxy does one read and one write per byte, the sink one read.
      cpuSecondsPerGB: { proxy: round3(proxyCpu / gigabytes), sink: round3(sinkCpu / gigabytes) },
      cores: (await import('node:os')).availableParallelism(),
      loadAverage1m: round3((await import('node:os')).loadavg()[0]),
      addedLatencyP50Ms: round3(quantile(rttProxy, 0.5) - quantile(rttDirect, 0.5)),
      addedLatencyP99Ms: round3(quantile(rttProxy, 0.99) - quantile(rttDirect, 0.99)),
      targets: { throughputRatioAtLeast: 0.8, addedLatencyP50MsBelow: 0.2 },
    };
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } finally {
    servers.child.kill('SIGTERM');
    proxy.child.kill('SIGTERM');
  }
}

await main();
