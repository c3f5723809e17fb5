import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, freePortBase, isFree } from './ports.js';
import { processFixture, waitForPort } from './processes.js';

const fx = processFixture();
const server = (port: number) =>
  `require('net').createServer(()=>{}).listen(${port}, '127.0.0.1', () => console.log('listening on ${port}'))`;

test('a started process is ready when its port opens and is gone after stop()', async () => {
  const port = await freePort();
  const p = await fx.start(process.execPath, ['-e', server(port)], { readyPort: port, name: 'tcp server' });
  await waitForPort(port, 1000);
  await p.stop();
  assert.ok(await isFree(port));
  assert.throws(() => process.kill(p.pid, 0), /ESRCH/);
});

test('readiness by log line, and an early exit is reported with the output', async () => {
  const port = await freePort();
  const p = await fx.start(process.execPath, ['-e', server(port)], { readyWhen: /listening on \d+/ });
  assert.match(p.output(), /listening on/);
  await assert.rejects(
    fx.start(process.execPath, ['-e', 'console.error("boom"); process.exit(3)'], { readyWhen: /never/ }),
    /exited early \(code 3.*boom/s,
  );
});

test('stopAll stops every running process by PID', async () => {
  const port = await freePort();
  const p = await fx.start(process.execPath, ['-e', server(port)], { readyPort: port });
  await fx.stopAll();
  assert.throws(() => process.kill(p.pid, 0), /ESRCH/);
});

test('a port base leaves room for N brokers at +100 each', async () => {
  const base = await freePortBase(3, 100, [0, 1]);
  for (let i = 0; i < 3; i++) assert.ok(await isFree(base + 100 * i));
});
