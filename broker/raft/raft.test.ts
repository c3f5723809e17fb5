// The metadata quorum on real sockets: three Raft nodes in one process. What matters to the
// controller on top: a node announces itself leader (and so becomes the active controller) only
// once it has applied every entry committed before its term, so it never decides from a stale image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, freePort } from '../../common/index.js';
import { RaftNode, type RaftRole } from './raft.js';
import { RpcServer } from './rpc.js';

type Rec = { type: 'noop' } | { type: 'set'; n: number };

interface Member {
  id: number;
  raft: RaftNode<Rec>;
  server: RpcServer;
  applied: number[];
  /** At each leader announcement: what the node had applied and how long its log was. */
  announcements: { appliedIndex: number; lastIndex: number; appliedValues: number }[];
  stopped: boolean;
}

async function startQuorum(dir: string): Promise<Member[]> {
  const ids = [0, 1, 2];
  const ports = new Map<number, number>();
  for (const id of ids) ports.set(id, await freePort());
  const peers = new Map(ids.map((id) => [id, { host: '127.0.0.1', port: ports.get(id)! }]));
  const logger = createLogger({ name: 'raft-test', level: 'silent' });
  const members: Member[] = [];
  for (const id of ids) {
    const m = { id, applied: [] as number[], announcements: [], stopped: false } as unknown as Member;
    m.raft = new RaftNode<Rec>({
      nodeId: id,
      voters: ids,
      peers,
      dir: join(dir, `node-${id}`),
      electionTimeoutMs: 300,
      logger,
      noop: { type: 'noop' },
      apply: (e) => {
        if (e.record.type === 'set') m.applied.push(e.record.n);
      },
      onRoleChange: (role: RaftRole) => {
        if (role === 'leader')
          m.announcements.push({
            appliedIndex: m.raft.appliedIndex,
            lastIndex: m.raft.lastIndex,
            appliedValues: m.applied.length,
          });
      },
    });
    m.server = new RpcServer((method, params) => {
      if (method === 'raft.vote') return Promise.resolve(m.raft.handleVote(params as never));
      if (method === 'raft.append') return Promise.resolve(m.raft.handleAppend(params as never));
      return Promise.reject(new Error(`unknown ${method}`));
    }, logger);
    await m.server.listen('127.0.0.1', ports.get(id)!);
    members.push(m);
  }
  for (const m of members) m.raft.start();
  return members;
}

async function stopMember(m: Member): Promise<void> {
  if (m.stopped) return;
  m.stopped = true;
  m.raft.stop();
  await m.server.close();
}

async function waitLeader(members: Member[], timeoutMs = 10_000): Promise<Member> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const leader = members.find((m) => !m.stopped && m.raft.role === 'leader' && m.announcements.length > 0);
    if (leader) return leader;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no announced leader');
}

test('a new leader is announced only after it applied every entry committed before its term', async () => {
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'kafka-sre-raft-'));
    const members = await startQuorum(dir);
    try {
      const first = await waitLeader(members);
      // Its own announcement came after its no-op was applied.
      const own = first.announcements[0];
      assert.ok(own.appliedIndex >= own.lastIndex, `node ${first.id}: ${own.appliedIndex} of ${own.lastIndex} applied`);
      // Commit a run of entries, then lose the leader at once: the followers hold the last entries
      // but may not yet have heard that they are committed.
      for (let n = 0; n < 20; n++) await first.raft.propose([{ type: 'set', n }]);
      const committed = first.applied.length;
      await stopMember(first);
      const next = await waitLeader(members.filter((m) => !m.stopped));
      const at = next.announcements[next.announcements.length - 1];
      assert.ok(
        at.appliedIndex >= at.lastIndex,
        `node ${next.id} announced leadership with ${at.appliedIndex} of ${at.lastIndex} entries applied`,
      );
      assert.equal(at.appliedValues, committed, `node ${next.id}: entries applied when it was announced`);
    } finally {
      for (const m of members) await stopMember(m);
      await rm(dir, { recursive: true, force: true });
    }
  }
});
