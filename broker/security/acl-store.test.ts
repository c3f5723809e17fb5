// The authorizer's decision rules (Kafka's): super users, deny wins, operation implications,
// literal / wildcard / prefixed patterns, hosts, and allow.everyone.if.no.acl.found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AclOperation as Op, AclStore, Permission, PatternType, ResourceType } from './acl-store.js';
import type { AclBinding } from '../controller/channel.js';

const bind = (over: Partial<AclBinding>): AclBinding => ({
  resourceType: ResourceType.TOPIC,
  resourceName: 't',
  patternType: PatternType.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: Op.READ,
  permissionType: Permission.ALLOW,
  ...over,
});
const opts = { superUsers: new Set(['User:admin']), allowEveryoneIfNoAclFound: false };

test('implications: READ/WRITE/DELETE/ALTER allow DESCRIBE, ALTER_CONFIGS allows DESCRIBE_CONFIGS, ALL allows everything', () => {
  for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER]) {
    const s = new AclStore();
    s.apply({ kind: 'add', binding: bind({ operation: op }) });
    assert.ok(
      s.authorize('User:alice', '1.2.3.4', Op.DESCRIBE, ResourceType.TOPIC, 't', opts),
      `op ${op} implies DESCRIBE`,
    );
    assert.equal(s.authorize('User:alice', '1.2.3.4', Op.CREATE, ResourceType.TOPIC, 't', opts), false);
  }
  const s = new AclStore();
  s.apply({ kind: 'add', binding: bind({ operation: Op.ALTER_CONFIGS }) });
  assert.ok(s.authorize('User:alice', 'h', Op.DESCRIBE_CONFIGS, ResourceType.TOPIC, 't', opts));
  assert.equal(s.authorize('User:alice', 'h', Op.DESCRIBE, ResourceType.TOPIC, 't', opts), false);
  s.apply({ kind: 'add', binding: bind({ operation: Op.ALL, resourceName: 'u' }) });
  assert.ok(s.authorize('User:alice', 'h', Op.WRITE, ResourceType.TOPIC, 'u', opts));
});

test('deny wins over allow, also through a prefixed or wildcard pattern; a deny of READ does not deny DESCRIBE', () => {
  const s = new AclStore();
  s.apply({ kind: 'add', binding: bind({ resourceName: '*', operation: Op.ALL }) });
  s.apply({
    kind: 'add',
    binding: bind({
      resourceName: 'secret-',
      patternType: PatternType.PREFIXED,
      operation: Op.READ,
      permissionType: Permission.DENY,
    }),
  });
  assert.ok(s.authorize('User:alice', 'h', Op.READ, ResourceType.TOPIC, 'public', opts));
  assert.equal(s.authorize('User:alice', 'h', Op.READ, ResourceType.TOPIC, 'secret-x', opts), false);
  assert.ok(s.authorize('User:alice', 'h', Op.DESCRIBE, ResourceType.TOPIC, 'secret-x', opts));
  assert.ok(s.authorize('User:admin', 'h', Op.READ, ResourceType.TOPIC, 'secret-x', opts), 'super users bypass ACLs');
});

test('principal wildcard, host match, resource types kept apart, allow.everyone.if.no.acl.found', () => {
  const s = new AclStore();
  s.apply({ kind: 'add', binding: bind({ principal: 'User:*', host: '10.0.0.1' }) });
  assert.ok(s.authorize('User:bob', '10.0.0.1', Op.READ, ResourceType.TOPIC, 't', opts));
  assert.equal(s.authorize('User:bob', '10.0.0.2', Op.READ, ResourceType.TOPIC, 't', opts), false);
  assert.equal(
    s.authorize('User:bob', '10.0.0.1', Op.READ, ResourceType.GROUP, 't', opts),
    false,
    'a topic ACL does not open a group of the same name',
  );
  assert.ok(
    s.authorize('User:bob', 'h', Op.READ, ResourceType.GROUP, 'g', { ...opts, allowEveryoneIfNoAclFound: true }),
    'no ACL on the group: open when allowed',
  );
  assert.equal(
    s.authorize('User:bob', 'h', Op.READ, ResourceType.TOPIC, 't', { ...opts, allowEveryoneIfNoAclFound: true }),
    false,
    'the topic has ACLs: the flag does not apply',
  );
});

test('filters: ANY / MATCH / literal / prefixed select what DescribeAcls and DeleteAcls see', () => {
  const s = new AclStore();
  s.apply({ kind: 'add', binding: bind({ resourceName: 'orders-', patternType: PatternType.PREFIXED }) });
  s.apply({ kind: 'add', binding: bind({ resourceName: 'orders-eu' }) });
  s.apply({ kind: 'add', binding: bind({ resourceType: ResourceType.GROUP, resourceName: 'g' }) });
  const f = {
    resourceType: ResourceType.ANY,
    resourceName: null,
    patternType: PatternType.ANY,
    principal: null,
    host: null,
    operation: Op.ANY,
    permissionType: Permission.ANY,
  };
  assert.equal(s.list(f).length, 3);
  assert.equal(
    s.list({ ...f, resourceType: ResourceType.TOPIC, resourceName: 'orders-eu', patternType: PatternType.MATCH })
      .length,
    2,
  );
  assert.equal(
    s.list({ ...f, resourceType: ResourceType.TOPIC, resourceName: 'orders-eu', patternType: PatternType.LITERAL })
      .length,
    1,
  );
  assert.equal(s.remove({ ...f, patternType: PatternType.PREFIXED }).length, 1);
  assert.equal(s.size, 2);
});
