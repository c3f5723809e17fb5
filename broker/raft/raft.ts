// A Raft node for the metadata quorum (in the spirit of KRaft): voters elect a leader with
// randomized timeouts, the leader replicates the metadata log to every node (voters and observers)
// and commits an entry once a majority of voters store it; every node applies committed entries in
// order. Two additions from the Raft thesis keep a busy or partitioned cluster calm:
// - leader stickiness: a voter that heard from a live leader within the minimum election timeout
//   ignores vote requests, so a node returning from a partition cannot depose a healthy leader;
// - check quorum: a leader that has not heard from a majority for two election timeouts steps
//   down, so a minority side has no active controller.
import type { Logger } from '../../common/index.js';
import type { HostPort } from '../config.js';
import { RaftStats } from './raft-stats.js';
import { RaftLog, type RaftEntry } from './raft-log.js';
import { RpcClient } from './rpc.js';

export type RaftRole = 'leader' | 'candidate' | 'follower' | 'observer';

export interface RaftOptions<R> {
  nodeId: number;
  voters: number[];
  /** Controller endpoints of every other node (voters and observers). */
  peers: Map<number, HostPort>;
  /** The cluster secret every controller RPC is signed with (null: unsigned, hand-built specs). */
  secret?: string | null;
  dir: string;
  electionTimeoutMs: number;
  logger: Logger;
  /** The no-op a new leader appends to commit earlier terms' entries. */
  noop: R;
  /** Applies one committed entry to the node's state (in log order, exactly once per process). */
  apply(entry: RaftEntry<R>): void;
  onRoleChange?(role: RaftRole, leaderId: number): void;
}

interface VoteRequest {
  term: number;
  candidateId: number;
  lastLogIndex: number;
  lastLogTerm: number;
}
interface AppendRequest<R> {
  term: number;
  leaderId: number;
  prevLogIndex: number;
  prevLogTerm: number;
  entries: RaftEntry<R>[];
  leaderCommit: number;
}
interface AppendResponse {
  term: number;
  success: boolean;
  /** On success the follower's last index; on failure where the leader should retry from. */
  index: number;
}

const MAX_ENTRIES_PER_APPEND = 1000;

export class RaftNode<R> {
  role: RaftRole;
  leaderId = -1;
  private readonly log: RaftLog<R>;
  private lastApplied = 0;
  private readonly clients = new Map<number, RpcClient>();
  private readonly nextIndex = new Map<number, number>();
  private readonly matchIndex = new Map<number, number>();
  private readonly inFlight = new Set<number>();
  private readonly lastAck = new Map<number, number>();
  private lastLeaderContact = 0;
  private electionTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private readonly waiters: { index: number; resolve(): void; reject(e: Error): void }[] = [];
  private stopped = false;
  private readonly isVoter: boolean;
  /**
   * Index of this leader's no-op until it is applied here; the leader role is announced
   * (onRoleChange) only then. A new leader's log holds every committed entry, but it learns which
   * of the previous terms' entries are committed, and applies them, only when its no-op commits:
   * a controller acting before that would decide from a stale image and write partition states
   * (leader, ISR) derived from it over newer committed ones (KRaft likewise activates a new
   * controller only after it has replayed the log to its epoch's start).
   */
  private announceLeaderAt: number | null = null;
  /** Quorum metrics (commit/election latency, apply lag, errors, leader changes). */
  readonly stats = new RaftStats();
  /** False while start() replays what was committed before a restart (no apply lag for that). */
  private live = false;

  constructor(private readonly opts: RaftOptions<R>) {
    this.log = new RaftLog<R>(opts.dir);
    this.isVoter = opts.voters.includes(opts.nodeId);
    this.role = this.isVoter ? 'follower' : 'observer';
    for (const [id, addr] of opts.peers)
      if (id !== opts.nodeId) this.clients.set(id, new RpcClient(addr, opts.secret ?? null));
  }

  get term(): number {
    return this.log.state.term;
  }
  get commitIndex(): number {
    return this.log.state.commitIndex;
  }
  get appliedIndex(): number {
    return this.lastApplied;
  }
  get lastIndex(): number {
    return this.log.lastIndex();
  }

  /** Load the durable state and apply what was committed before the restart. */
  start(): void {
    this.log.load();
    this.applyCommitted();
    this.live = true;
    if (this.isVoter && this.opts.voters.length === 1) {
      this.becomeCandidate();
      return;
    }
    this.resetElectionTimer();
  }

  stop(): void {
    this.stopped = true;
    if (this.electionTimer) clearTimeout(this.electionTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    for (const c of this.clients.values()) c.close();
    for (const w of this.waiters.splice(0)) w.reject(new Error('raft node stopped'));
    this.log.close();
  }

  // ---------------------------------------------------------------- leader API

  /** Append records as leader; resolves with the last index once committed and applied here. */
  propose(records: R[]): Promise<number> {
    if (this.role !== 'leader') return Promise.reject(new Error('not the leader'));
    const term = this.term;
    const start = this.log.lastIndex() + 1;
    const appendedAt = Date.now();
    const entries = records.map((record, i) => ({ term, index: start + i, record, appendedAt }));
    this.log.append(entries);
    const index = this.log.lastIndex();
    this.maybeCommit();
    this.replicateAll();
    return this.waitApplied(index).then(() => index);
  }

  /** Resolves once this node has applied `index` (rejects after timeoutMs). */
  waitApplied(index: number, timeoutMs = 30_000): Promise<void> {
    if (this.lastApplied >= index) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`metadata index ${index} not applied within ${timeoutMs} ms`));
      }, timeoutMs);
      const w = {
        index,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(w);
    });
  }

  // ---------------------------------------------------------------- RPC handlers

  handleVote(req: VoteRequest): { term: number; voteGranted: boolean } {
    const now = Date.now();
    // Leader stickiness: ignore candidates while a leader we heard from recently is alive.
    if (
      req.term > this.term &&
      this.leaderId >= 0 &&
      this.leaderId !== req.candidateId &&
      now - this.lastLeaderContact < this.opts.electionTimeoutMs
    ) {
      return { term: this.term, voteGranted: false };
    }
    if (req.term > this.term) this.stepDown(req.term, -1);
    const upToDate =
      req.lastLogTerm > this.log.lastTerm() ||
      (req.lastLogTerm === this.log.lastTerm() && req.lastLogIndex >= this.log.lastIndex());
    const free = this.log.state.votedFor === null || this.log.state.votedFor === req.candidateId;
    const grant = req.term === this.term && this.isVoter && free && upToDate;
    if (grant) {
      this.log.saveState({ votedFor: req.candidateId });
      this.resetElectionTimer();
    }
    return { term: this.term, voteGranted: grant };
  }

  handleAppend(req: AppendRequest<R>): AppendResponse {
    if (req.term < this.term) return { term: this.term, success: false, index: this.log.lastIndex() + 1 };
    if (req.term > this.term || this.role === 'candidate' || this.role === 'leader')
      this.stepDown(req.term, req.leaderId);
    if (this.leaderId !== req.leaderId) {
      this.leaderId = req.leaderId;
      this.stats.leaderKnown(req.leaderId);
      this.opts.onRoleChange?.(this.role, this.leaderId);
    }
    this.lastLeaderContact = Date.now();
    this.resetElectionTimer();
    if (req.prevLogIndex > this.log.lastIndex())
      return { term: this.term, success: false, index: this.log.lastIndex() + 1 };
    if (this.log.termAt(req.prevLogIndex) !== req.prevLogTerm) {
      // Back up a whole term at a time: the leader retries from the first index of our conflicting term.
      const conflictTerm = this.log.termAt(req.prevLogIndex);
      let i = req.prevLogIndex;
      while (i > this.log.state.commitIndex + 1 && this.log.termAt(i - 1) === conflictTerm) i--;
      return { term: this.term, success: false, index: Math.max(1, i) };
    }
    const fresh: RaftEntry<R>[] = [];
    for (const e of req.entries) {
      if (e.index <= this.log.lastIndex()) {
        if (this.log.termAt(e.index) === e.term) continue;
        this.log.truncateFrom(e.index);
      }
      fresh.push(e);
    }
    this.log.append(fresh);
    const last = req.prevLogIndex + req.entries.length;
    if (req.leaderCommit > this.log.state.commitIndex) {
      this.log.saveState({ commitIndex: Math.min(req.leaderCommit, Math.max(last, this.log.state.commitIndex)) });
      this.applyCommitted();
    }
    return { term: this.term, success: true, index: last };
  }

  // ---------------------------------------------------------------- elections

  private resetElectionTimer(): void {
    if (this.stopped || !this.isVoter || this.role === 'leader') return;
    if (this.electionTimer) clearTimeout(this.electionTimer);
    const t = this.opts.electionTimeoutMs;
    this.electionTimer = setTimeout(() => this.becomeCandidate(), t + Math.floor(Math.random() * t));
  }

  private becomeCandidate(): void {
    if (this.stopped) return;
    this.role = 'candidate';
    this.leaderId = -1;
    this.stats.leaderLost();
    this.opts.onRoleChange?.(this.role, -1);
    const term = this.term + 1;
    this.log.saveState({ term, votedFor: this.opts.nodeId });
    this.resetElectionTimer();
    let votes = 1;
    const majority = Math.floor(this.opts.voters.length / 2) + 1;
    if (votes >= majority) {
      this.becomeLeader();
      return;
    }
    const req: VoteRequest = {
      term,
      candidateId: this.opts.nodeId,
      lastLogIndex: this.log.lastIndex(),
      lastLogTerm: this.log.lastTerm(),
    };
    for (const id of this.opts.voters) {
      if (id === this.opts.nodeId) continue;
      this.clients
        .get(id)
        ?.call<{ term: number; voteGranted: boolean }>('raft.vote', req, this.opts.electionTimeoutMs)
        .then((res) => {
          if (res.term > this.term) {
            this.stepDown(res.term, -1);
            return;
          }
          if (this.role !== 'candidate' || this.term !== term || !res.voteGranted) return;
          votes += 1;
          if (votes >= majority) this.becomeLeader();
        })
        .catch(() => undefined);
    }
  }

  private becomeLeader(): void {
    if (this.electionTimer) clearTimeout(this.electionTimer);
    this.role = 'leader';
    this.leaderId = this.opts.nodeId;
    this.stats.leaderKnown(this.leaderId);
    const now = Date.now();
    for (const id of this.clients.keys()) {
      this.nextIndex.set(id, this.log.lastIndex() + 1);
      this.matchIndex.set(id, 0);
      this.lastAck.set(id, now);
    }
    this.opts.logger.info({ term: this.term }, 'elected metadata quorum leader (active controller)');
    // A no-op of the new term commits everything before it (Raft only counts current-term entries).
    this.log.append([{ term: this.term, index: this.log.lastIndex() + 1, record: this.opts.noop, appendedAt: now }]);
    this.announceLeaderAt = this.log.lastIndex();
    this.maybeCommit();
    const beat = Math.max(20, Math.floor(this.opts.electionTimeoutMs / 4));
    this.heartbeatTimer = setInterval(() => {
      this.checkQuorum();
      this.replicateAll();
    }, beat);
    this.replicateAll();
  }

  private stepDown(term: number, leaderId: number): void {
    const wasLeader = this.role === 'leader';
    if (term > this.term) this.log.saveState({ term, votedFor: null });
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.announceLeaderAt = null;
    this.role = this.isVoter ? 'follower' : 'observer';
    this.leaderId = leaderId;
    if (leaderId >= 0) this.stats.leaderKnown(leaderId);
    else this.stats.leaderLost();
    if (wasLeader) this.opts.logger.warn({ term: this.term }, 'stepped down as metadata quorum leader');
    this.opts.onRoleChange?.(this.role, leaderId);
    this.resetElectionTimer();
  }

  private checkQuorum(): void {
    const now = Date.now();
    const window = 2 * this.opts.electionTimeoutMs;
    let alive = 1;
    for (const id of this.opts.voters)
      if (id !== this.opts.nodeId && now - (this.lastAck.get(id) ?? 0) < window) alive += 1;
    if (alive < Math.floor(this.opts.voters.length / 2) + 1) this.stepDown(this.term, -1);
  }

  // ---------------------------------------------------------------- replication

  private replicateAll(): void {
    if (this.role !== 'leader') return;
    for (const id of this.clients.keys()) this.replicateTo(id);
  }

  private replicateTo(id: number): void {
    if (this.inFlight.has(id) || this.role !== 'leader') return;
    const next = this.nextIndex.get(id) ?? this.log.lastIndex() + 1;
    const prevLogIndex = next - 1;
    const entries = this.log.entries.slice(prevLogIndex, prevLogIndex + MAX_ENTRIES_PER_APPEND);
    const req: AppendRequest<R> = {
      term: this.term,
      leaderId: this.opts.nodeId,
      prevLogIndex,
      prevLogTerm: this.log.termAt(prevLogIndex),
      entries,
      leaderCommit: this.log.state.commitIndex,
    };
    const term = this.term;
    this.inFlight.add(id);
    this.clients
      .get(id)!
      .call<AppendResponse>('raft.append', req, Math.max(500, this.opts.electionTimeoutMs))
      .then((res) => {
        this.inFlight.delete(id);
        if (res.term > this.term) {
          this.stepDown(res.term, -1);
          return;
        }
        if (this.role !== 'leader' || this.term !== term) return;
        this.lastAck.set(id, Date.now());
        if (res.success) {
          this.matchIndex.set(id, res.index);
          this.nextIndex.set(id, res.index + 1);
          this.maybeCommit();
          // More entries, or a commit index this follower has not heard yet: send again now
          // rather than at the next heartbeat, so every node applies a change within a round trip.
          if (res.index < this.log.lastIndex() || req.leaderCommit < this.log.state.commitIndex) this.replicateTo(id);
        } else {
          this.nextIndex.set(id, Math.max(1, Math.min(res.index, next - 1)));
          this.replicateTo(id);
        }
      })
      .catch(() => this.inFlight.delete(id));
  }

  private maybeCommit(): void {
    if (this.role !== 'leader') return;
    const voters = this.opts.voters;
    const majority = Math.floor(voters.length / 2) + 1;
    for (let n = this.log.lastIndex(); n > this.log.state.commitIndex; n--) {
      if (this.log.termAt(n) !== this.term) break;
      const stored = voters.filter((v) => v === this.opts.nodeId || (this.matchIndex.get(v) ?? 0) >= n).length;
      if (stored >= majority) {
        const now = Date.now();
        for (let i = this.log.state.commitIndex + 1; i <= n; i++) {
          const at = this.log.entries[i - 1]?.appendedAt;
          if (at !== undefined) this.stats.commitLatency.record(now - at);
        }
        this.log.saveState({ commitIndex: n });
        this.applyCommitted();
        this.replicateAll();
        return;
      }
    }
  }

  private applyCommitted(): void {
    while (this.lastApplied < this.log.state.commitIndex) {
      const e = this.log.entries[this.lastApplied];
      this.lastApplied += 1;
      try {
        this.opts.apply(e);
      } catch (err) {
        this.stats.metadataErrors += 1;
        this.opts.logger.error({ err, index: e.index }, 'applying a metadata record failed');
      }
      if (this.live && e.appendedAt !== undefined)
        this.stats.lastAppliedRecordLagMs = Math.max(0, Date.now() - e.appendedAt);
    }
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].index <= this.lastApplied) this.waiters.splice(i, 1)[0].resolve();
    }
    if (this.role === 'leader' && this.announceLeaderAt !== null && this.lastApplied >= this.announceLeaderAt) {
      this.announceLeaderAt = null;
      this.opts.onRoleChange?.(this.role, this.leaderId);
    }
  }
}
