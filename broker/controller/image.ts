// A node's view of the cluster metadata, built by applying committed records in log order: topics
// and partitions go to the TopicStore (whose change events drive the replica manager and the group
// coordinator); broker registrations and fencing are kept here.
import { AclStore } from '../security/acl-store.js';
import type { TopicStore } from '../state/topic-store.js';
import type { AclBinding } from './channel.js';
import type { MetadataRecord, RegisteredBroker } from './records.js';

export class MetadataImage {
  readonly brokers = new Map<number, RegisteredBroker>();
  uncleanElections = 0;
  /** ACL bindings created through the quorum (what DeleteAcls filters match against). */
  readonly acls = new AclStore();
  /** The node's authorizer, told about every committed ACL change (set by the broker). */
  onAcl: ((change: { kind: 'add' | 'remove'; binding: AclBinding }) => void) | null = null;
  /** The config file's ACLs are in the log already (written by the first active controller). */
  aclsBootstrapped = false;
  /** Raft index of the last applied record. */
  offset = 0;

  constructor(readonly topics: TopicStore) {}

  apply(index: number, r: MetadataRecord): void {
    this.offset = index;
    switch (r.type) {
      case 'noop':
        return;
      case 'broker': {
        const prev = this.brokers.get(r.nodeId);
        this.brokers.set(r.nodeId, {
          nodeId: r.nodeId,
          client: r.client,
          interBroker: r.interBroker,
          rack: r.rack,
          fenced: prev?.fenced ?? true,
        });
        return;
      }
      case 'fence': {
        const b = this.brokers.get(r.nodeId);
        if (b) b.fenced = r.fenced;
        return;
      }
      case 'topic':
        this.topics.applyTopic(r.topic);
        return;
      case 'remove-topic':
        this.topics.applyRemoveTopic(r.name);
        return;
      case 'configs':
        this.topics.applyConfigs(r.name, r.configs);
        return;
      case 'partition':
        this.topics.applyPartition(r.state);
        return;
      case 'acl':
        this.acls.apply({ kind: r.kind, binding: r.binding });
        this.onAcl?.({ kind: r.kind, binding: r.binding });
        return;
      case 'acls-bootstrapped':
        this.aclsBootstrapped = true;
        return;
      case 'unclean-election':
        this.uncleanElections += 1;
        return;
    }
  }

  liveBrokerIds(): number[] {
    return [...this.brokers.values()]
      .filter((b) => !b.fenced)
      .map((b) => b.nodeId)
      .sort((a, b) => a - b);
  }

  isLive(nodeId: number): boolean {
    const b = this.brokers.get(nodeId);
    return b !== undefined && !b.fenced;
  }
}
