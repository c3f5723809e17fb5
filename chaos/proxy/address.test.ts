import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { joinHostPort, resolveListen, splitHostPort } from './address.js';

describe('listen and upstream addresses', () => {
  const cases: [string, string, { host: string; port: number } | RegExp][] = [
    ['host and port', 'kafka:9092', { host: 'kafka', port: 9092 }],
    ['an IPv6 literal in brackets', '[::1]:80', { host: '::1', port: 80 }],
    ['an empty host', ':0', { host: '', port: 0 }],
    ['a missing port', 'kafka', /address kafka: missing port in address/],
    ['too many colons', '::1:80', /too many colons/],
    ['a port out of range', 'a:70000', /invalid port/],
  ];
  for (const [what, input, expected] of cases) {
    it(`splits ${what}`, () => {
      if (expected instanceof RegExp) assert.throws(() => splitHostPort(input), expected);
      else assert.deepEqual(splitHostPort(input), expected);
    });
  }

  it('joins IPv6 hosts with brackets', () => {
    assert.equal(joinHostPort('::1', 5), '[::1]:5');
    assert.equal(joinHostPort('127.0.0.1', 5), '127.0.0.1:5');
  });

  it('binds loopback for an empty host and for localhost', async () => {
    assert.deepEqual(await resolveListen(':0'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(await resolveListen(''), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(await resolveListen('localhost:1234'), { host: '127.0.0.1', port: 1234 });
    assert.deepEqual(await resolveListen('0.0.0.0:1'), { host: '0.0.0.0', port: 1 });
  });
});
