// One classic consumer group: members, state, generation and the chosen protocol. Pure data plus
// small queries; the coordinator drives every transition.
import type { JoinGroupProtocol, JoinGroupResponse, SyncGroupResponse } from '../../protocol/index.js';
import type { TimerHandle } from './clock.js';

export const GroupStates = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'] as const;
export type GroupState = (typeof GroupStates)[number];

export type JoinResult = Omit<JoinGroupResponse, 'throttleTimeMs'>;
export type SyncResult = Omit<SyncGroupResponse, 'throttleTimeMs'>;

export interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: JoinGroupProtocol[];
  assignment: Buffer;
  /** Set while the member waits for the current join round to finish. */
  awaitingJoin: ((r: JoinResult) => void) | null;
  /** Set while the member waits for the leader's assignment. */
  awaitingSync: ((r: SyncResult) => void) | null;
  sessionTimer: TimerHandle | null;
}

export class Group {
  state: GroupState = 'Empty';
  generation = 0;
  protocolType: string | null = null;
  protocol: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, not yet joined (id -> expiry timer). */
  readonly pending = new Map<string, TimerHandle>();
  rebalanceTimer: TimerHandle | null = null;
  /** The first join round of an empty group waits this long for more members (initial delay). */
  initialDelayUntil = 0;

  constructor(readonly groupId: string) {}

  allJoined(): boolean {
    if (this.pending.size > 0) return false;
    for (const m of this.members.values()) if (!m.awaitingJoin) return false;
    return true;
  }

  /** Protocol names every member supports. */
  candidateProtocols(): Set<string> {
    let common: Set<string> | null = null as Set<string> | null;
    for (const m of this.members.values()) {
      const names = new Set(m.protocols.map((p) => p.name));
      const prev: Set<string> | null = common;
      common = prev === null ? names : new Set([...prev].filter((n) => names.has(n)));
    }
    return common ?? new Set();
  }

  /** Would a member with these protocols fit the group (Kafka's supportsProtocols)? */
  supportsProtocols(protocolType: string, protocols: JoinGroupProtocol[]): boolean {
    if (protocols.length === 0 || protocolType === '') return false;
    if (this.members.size === 0) return true;
    if (this.protocolType !== protocolType) return false;
    const common = this.candidateProtocols();
    return protocols.some((p) => common.has(p.name));
  }

  /** Each member votes for its most preferred candidate; most votes wins, ties by first preference seen. */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => candidates.has(p.name));
      if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = -1;
    for (const [name, n] of votes) if (n > bestVotes) [best, bestVotes] = [name, n];
    return best;
  }

  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  metadataFor(m: Member): Buffer {
    return m.protocols.find((p) => p.name === this.protocol)?.metadata ?? Buffer.alloc(0);
  }
}
