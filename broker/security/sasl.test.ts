// SCRAM server exchange against a client computed here (RFC 5802): a good exchange, then the gs2
// channel-binding flags Kafka does not support ("y", "p=...") and a c= that is not the base64 of
// the gs2 header, each refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { Credentials } from './credentials.js';
import { saslExchange } from './sasl.js';

const creds = new Credentials();
creds.set('alice', 'al1ce-pw');

/** Run a SCRAM-SHA-256 exchange with this gs2 header and c= value; returns the final step. */
function exchange(gs2: string, cbind?: string, password = 'al1ce-pw') {
  const ex = saslExchange('SCRAM-SHA-256', creds);
  const firstBare = 'n=alice,r=clientnonce123';
  const first = ex.step(Buffer.from(gs2 + firstBare));
  if (first.kind !== 'challenge') return first;
  const serverFirst = first.token.toString();
  const a = Object.fromEntries(serverFirst.split(',').map((p) => [p[0], p.slice(2)]));
  const withoutProof = `c=${cbind ?? Buffer.from(gs2).toString('base64')},r=${a.r}`;
  const salted = pbkdf2Sync(password, Buffer.from(a.s!, 'base64'), Number(a.i), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const sig = createHmac('sha256', storedKey).update(`${firstBare},${serverFirst},${withoutProof}`).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ sig[i]!));
  return ex.step(Buffer.from(`${withoutProof},p=${proof.toString('base64')}`));
}

test('a SCRAM exchange with gs2 header "n,," and c=biws succeeds', () => {
  const r = exchange('n,,');
  assert.equal(r.kind, 'done');
  assert.equal(r.kind === 'done' && r.principal, 'User:alice');
  assert.equal(exchange('n,a=alice,').kind, 'done', 'an authzid equal to the user');
  assert.equal(exchange('n,,', undefined, 'wrong').kind, 'failed');
});

test('gs2 flags "y" and "p=" are refused, as is an authzid of another user', () => {
  for (const gs2 of ['y,,', 'p=tls-unique,,', 'p=tls-server-end-point,a=alice,', 'n,a=bob,']) {
    const r = exchange(gs2);
    assert.equal(r.kind, 'failed', gs2);
  }
  assert.match((exchange('y,,') as { reason: string }).reason, /channel binding/);
});

test('c= must be the base64 of the gs2 header', () => {
  assert.equal(exchange('n,,', Buffer.from('y,,').toString('base64')).kind, 'failed');
  assert.equal(exchange('n,a=alice,', 'biws').kind, 'failed', 'biws is "n,," not "n,a=alice,"');
  const r = exchange('n,,', 'eSws');
  assert.match((r as { reason: string }).reason, /c=/);
});
