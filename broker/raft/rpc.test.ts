// Controller RPC signing: a client with the cluster secret is served; one without it, with another
// secret, or replaying a signed request it saw, is refused and disconnected. Real sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { createLogger } from '../../common/index.js';
import { RpcClient, RpcError, RpcServer } from './rpc.js';

const logger = createLogger({ level: 'silent' });
const SECRET = 'ab'.repeat(32);

test('signed controller RPCs are served; unsigned, wrongly signed and replayed ones are refused', async () => {
  const calls: string[] = [];
  const server = new RpcServer(
    async (method, params) => {
      calls.push(method);
      return { echo: params };
    },
    logger,
    SECRET,
  );
  const port = await server.listen('127.0.0.1', 0);
  const addr = { host: '127.0.0.1', port };
  try {
    const good = new RpcClient(addr, SECRET);
    assert.deepEqual(await good.call('ctl.createTopic', { name: 't' }, 2000), { echo: { name: 't' } });
    good.close();

    for (const client of [new RpcClient(addr, null), new RpcClient(addr, 'cd'.repeat(32))]) {
      await assert.rejects(client.call('ctl.createAcls', { bindings: [] }, 2000), (e: Error) =>
        e instanceof RpcError ? e.code === 58 : /closed/.test(e.message),
      );
      client.close();
    }

    // Capture one signed line off the wire (as a sniffer would) and play it back on a new connection.
    let captured = '';
    const raw = connect({ host: '127.0.0.1', port });
    await once(raw, 'connect');
    raw.setEncoding('utf8');
    let answers = '';
    raw.on('data', (d: string) => (answers += d));
    const signer = new RpcClient(addr, SECRET);
    const sock = (signer as unknown as { connect(): Promise<import('node:net').Socket> }).connect.bind(signer);
    const s = await sock();
    const write = s.write.bind(s);
    s.write = ((chunk: string) => {
      captured = chunk;
      return write(chunk);
    }) as typeof s.write;
    await signer.call('raft.vote', { term: 2 }, 2000);
    signer.close();
    raw.write(captured);
    await once(raw, 'close');
    assert.match(answers, /replayed/);
    assert.deepEqual(calls, ['ctl.createTopic', 'raft.vote']);
  } finally {
    await server.close();
  }
});
