// The journal: the one durable record of a game day, every event with its timestamp (ISO and
// milliseconds since the run started). Reports are rendered from it; nothing else is needed.

export type RunStatus = 'running' | 'passed' | 'failed' | 'aborted' | 'error';

export interface JournalEvent {
  at: string;
  /** Milliseconds since the run started. */
  t: number;
  type: string;
  [key: string]: unknown;
}

export interface JournalJson {
  runId: string;
  spec: string;
  specFile: string;
  target: string;
  startedAt: string;
  endedAt?: string;
  status: RunStatus;
  reason?: string;
  events: JournalEvent[];
}

export class Journal {
  readonly startedAtMs: number;
  readonly events: JournalEvent[] = [];
  status: RunStatus = 'running';
  reason?: string;
  endedAtMs?: number;
  private readonly listeners: ((e: JournalEvent) => void)[] = [];

  constructor(
    readonly runId: string,
    readonly spec: string,
    readonly specFile: string,
    public target: string,
    now = Date.now(),
  ) {
    this.startedAtMs = now;
  }

  onEvent(fn: (e: JournalEvent) => void): void {
    this.listeners.push(fn);
  }

  add(type: string, data: Record<string, unknown> = {}, now = Date.now()): JournalEvent {
    const e: JournalEvent = { ...data, at: new Date(now).toISOString(), t: now - this.startedAtMs, type };
    this.events.push(e);
    for (const l of this.listeners) l(e);
    return e;
  }

  finish(status: Exclude<RunStatus, 'running'>, reason?: string, now = Date.now()): void {
    this.status = status;
    this.reason = reason;
    this.endedAtMs = now;
    this.add('run-finished', { status, ...(reason ? { reason } : {}) }, now);
  }

  toJSON(): JournalJson {
    return {
      runId: this.runId,
      spec: this.spec,
      specFile: this.specFile,
      target: this.target,
      startedAt: new Date(this.startedAtMs).toISOString(),
      ...(this.endedAtMs !== undefined ? { endedAt: new Date(this.endedAtMs).toISOString() } : {}),
      status: this.status,
      ...(this.reason ? { reason: this.reason } : {}),
      events: this.events,
    };
  }
}
