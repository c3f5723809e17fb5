// The security state of one broker process: SASL credentials, the ACL store and the authorizer
// the handlers call. Kept beside BrokerServices (one per services object) so the handler
// contract stays unchanged: `securityOf(ctx.services)`.
import type { BrokerServices, RequestContext } from '../services.js';
import type { BrokerConfig } from '../config.js';
import { AclOperation, AclStore, CLUSTER_RESOURCE, Permission, PatternType, ResourceType } from './acl-store.js';
import type { AclEntry as AclBinding } from '../../protocol/index.js';
import { Credentials } from './credentials.js';
import { securitySection } from '../../common/config/index.js';

export { AclOperation, ResourceType, CLUSTER_RESOURCE } from './acl-store.js';

export type SecurityProtocol = BrokerConfig['security']['listener'];

/** Principal of inter-broker connections on a PLAINTEXT inter-broker listener (a super user). */
export const INTER_BROKER_PRINCIPAL = 'User:ANONYMOUS-INTER-BROKER';

/** What a broker's replica fetcher logs in with on a SASL inter-broker listener. */
export interface InterBrokerLogin {
  mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  user: string;
  password: string;
}

export class BrokerSecurity {
  readonly acls = new AclStore();
  readonly credentials: Credentials;
  private readonly superUsers: Set<string>;

  private readonly config: { security: BrokerConfig['security'] };
  /** The inter-broker SASL login (cluster nodes whose inter-broker listener uses SASL), else null. */
  readonly interBroker: InterBrokerLogin | null;

  constructor(config: BrokerConfig, clustered = false) {
    // Configs built by hand (tests, older cluster.json files) may lack the section: its defaults.
    const sec = config.security ?? securitySection.parse({});
    this.config = { security: sec };
    this.credentials = Credentials.load(sec.users);
    this.superUsers = new Set([...sec.superUsers, INTER_BROKER_PRINCIPAL]);
    this.interBroker = clustered ? resolveInterBroker(sec) : null;
    if (this.interBroker) this.superUsers.add(`User:${this.interBroker.user}`);
    // A cluster writes the config's ACLs into the metadata quorum once (QuorumController), so
    // DeleteAcls can remove them like any other; a single broker keeps them in its own store.
    if (!clustered) for (const binding of configAclBindings(sec)) this.acls.apply({ kind: 'add', binding });
  }

  /** Security protocol of a listener: the client and inter-broker ones are configured. */
  protocolOf(listener: string): SecurityProtocol {
    if (listener === 'PLAINTEXT' || listener === 'CLIENT') return this.config.security.listener;
    if (listener === 'REPLICATION') return interBrokerProtocol(this.config.security);
    return 'PLAINTEXT';
  }

  get mechanisms(): readonly string[] {
    return this.config.security.mechanisms;
  }

  get authorizerEnabled(): boolean {
    return this.config.security.authorizer;
  }

  /** Kafka's Authorizer.authorize for one action; always true without an authorizer. */
  authorize(
    ctx: Pick<RequestContext, 'principal' | 'clientHost' | 'listener'>,
    op: number,
    resourceType: number,
    name: string,
  ): boolean {
    if (!this.authorizerEnabled) return true;
    // The inter-broker listener carries replication traffic from the brokers themselves.
    // On a PLAINTEXT inter-broker listener every connection is taken for a broker (the zero-config
    // loopback cluster); on a SASL one the login is the principal, as on the client listener.
    const principal =
      ctx.listener === 'REPLICATION' && this.protocolOf('REPLICATION') === 'PLAINTEXT'
        ? INTER_BROKER_PRINCIPAL
        : ctx.principal;
    return this.acls.authorize(principal, ctx.clientHost, op, resourceType, name, {
      superUsers: this.superUsers,
      allowEveryoneIfNoAclFound: this.config.security.allowEveryoneIfNoAclFound,
    });
  }
}

/** security.inter.broker.protocol: as configured, else SASL when the client listener uses SASL. */
export function interBrokerProtocol(sec: BrokerConfig['security']): SecurityProtocol {
  return sec.interBrokerProtocol ?? (sec.listener.startsWith('SASL_') ? 'SASL_PLAINTEXT' : 'PLAINTEXT');
}

function resolveInterBroker(sec: BrokerConfig['security']): InterBrokerLogin | null {
  if (interBrokerProtocol(sec) === 'PLAINTEXT') return null;
  const user =
    sec.interBrokerUser ??
    sec.superUsers.map((p) => p.slice('User:'.length)).find((name) => sec.users[name] !== undefined);
  if (!user)
    throw new Error(
      'the inter-broker listener uses SASL: set security.interBrokerUser to one of security.users (or make one a super user)',
    );
  const src = sec.users[user];
  if (!src) throw new Error(`security.interBrokerUser ${user} is not one of security.users`);
  const password = Credentials.passwordOf(user, src);
  const mechanism = sec.interBrokerMechanism ?? sec.mechanisms[0]!;
  if (!sec.mechanisms.includes(mechanism))
    throw new Error(`security.interBrokerMechanism ${mechanism} is not one of security.mechanisms`);
  return { mechanism, user, password };
}

const byServices = new WeakMap<BrokerServices, BrokerSecurity>();

/** The ACLs of the config file (broker.security.acls) as protocol bindings. */
export function configAclBindings(sec: BrokerConfig['security'] | undefined): AclBinding[] {
  return (sec?.acls ?? []).map((a) => ({
    resourceType: ResourceType[a.resourceType.toUpperCase() as 'TOPIC' | 'GROUP' | 'CLUSTER'],
    resourceName: a.resourceType === 'cluster' ? CLUSTER_RESOURCE : a.name,
    patternType: a.patternType === 'prefixed' ? PatternType.PREFIXED : PatternType.LITERAL,
    principal: a.principal,
    host: a.host,
    operation: AclOperation[a.operation.toUpperCase() as keyof typeof AclOperation],
    permissionType: a.permission === 'deny' ? Permission.DENY : Permission.ALLOW,
  }));
}

export function securityOf(services: BrokerServices): BrokerSecurity {
  let s = byServices.get(services);
  if (!s) {
    s = new BrokerSecurity(services.config, services.clustered);
    byServices.set(services, s);
  }
  return s;
}

/** Shorthands for the handlers: one line per check. */
export function canTopic(ctx: RequestContext, op: number, topic: string): boolean {
  return securityOf(ctx.services).authorize(ctx, op, ResourceType.TOPIC, topic);
}
export function canGroup(ctx: RequestContext, op: number, group: string): boolean {
  return securityOf(ctx.services).authorize(ctx, op, ResourceType.GROUP, group);
}
export function canTransactionalId(ctx: RequestContext, op: number, transactionalId: string): boolean {
  return securityOf(ctx.services).authorize(ctx, op, ResourceType.TRANSACTIONAL_ID, transactionalId);
}
export function canCluster(ctx: RequestContext, op: number): boolean {
  return securityOf(ctx.services).authorize(ctx, op, ResourceType.CLUSTER, CLUSTER_RESOURCE);
}
