// The metadata log's records: everything the cluster agrees on goes through the Raft log as one of
// these, and every node rebuilds its image (topics, partitions, brokers) by applying them in order.
import type { HostPort } from '../config.js';
import type { PartitionRegistration, TopicInfo } from '../state/topic-store.js';
import type { TopicConfigs } from '../state/topic-config.js';
import type { AclBinding } from './channel.js';

export type MetadataRecord =
  /** A new leader's first entry (commits what earlier terms left uncommitted). */
  | { type: 'noop' }
  /** Broker registration or an endpoint change. */
  | { type: 'broker'; nodeId: number; client: HostPort; interBroker: HostPort; rack: string | null }
  /** Fencing: a fenced broker leads nothing and is not offered to clients. */
  | { type: 'fence'; nodeId: number; fenced: boolean }
  | { type: 'topic'; topic: TopicInfo }
  | { type: 'remove-topic'; name: string }
  | { type: 'configs'; name: string; configs: TopicConfigs }
  /** Leader, epochs, replicas or ISR of one partition (also adds a partition one past the end). */
  | { type: 'partition'; state: PartitionRegistration }
  /** An ACL binding added or removed (CreateAcls / DeleteAcls): every node's authorizer applies it. */
  | { type: 'acl'; kind: 'add' | 'remove'; binding: AclBinding }
  /** The config file's ACLs (broker.security.acls) were written once as `acl` records; from then on they are ordinary, deletable ACLs. */
  | { type: 'acls-bootstrapped' }
  /** Counted by the unclean-election metric on every node (the controller made one). */
  | { type: 'unclean-election'; topic: string; partition: number; leader: number };

export interface RegisteredBroker {
  nodeId: number;
  client: HostPort;
  interBroker: HostPort;
  rack: string | null;
  fenced: boolean;
}
