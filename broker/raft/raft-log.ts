// Durable Raft state of one node: term and vote (state.json, replaced atomically), the log
// (log.jsonl, one entry per line, fsynced on append) and the last known commit index. A torn last
// line (crash mid-append) is dropped on load: an entry counts only once it was fsynced whole.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface RaftEntry<R> {
  term: number;
  index: number;
  record: R;
  /** Wall-clock ms when the leader appended it (absent in logs written before it was recorded). */
  appendedAt?: number;
}

export interface HardState {
  term: number;
  votedFor: number | null;
  commitIndex: number;
}

export class RaftLog<R> {
  readonly entries: RaftEntry<R>[] = [];
  state: HardState = { term: 0, votedFor: null, commitIndex: 0 };
  private readonly stateFile: string;
  private readonly logFile: string;
  private fd = -1;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.stateFile = join(dir, 'state.json');
    this.logFile = join(dir, 'log.jsonl');
  }

  load(): void {
    if (existsSync(this.stateFile)) this.state = JSON.parse(readFileSync(this.stateFile, 'utf8')) as HardState;
    if (existsSync(this.logFile)) {
      const lines = readFileSync(this.logFile, 'utf8').split('\n');
      for (const line of lines) {
        if (line.length === 0) continue;
        try {
          const e = JSON.parse(line) as RaftEntry<R>;
          if (e.index !== this.entries.length + 1) break;
          this.entries.push(e);
        } catch {
          break; // torn tail
        }
      }
      this.rewrite();
    }
    this.state.commitIndex = Math.min(this.state.commitIndex, this.entries.length);
    this.fd = openSync(this.logFile, 'a');
  }

  lastIndex(): number {
    return this.entries.length;
  }

  lastTerm(): number {
    return this.entries.length > 0 ? this.entries[this.entries.length - 1].term : 0;
  }

  termAt(index: number): number {
    if (index <= 0) return 0;
    return this.entries[index - 1]?.term ?? -1;
  }

  append(entries: RaftEntry<R>[]): void {
    if (entries.length === 0) return;
    for (const e of entries) this.entries.push(e);
    writeSync(this.fd, entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
    fsyncSync(this.fd);
  }

  /** Drop entries from `index` on (a new leader's log disagrees). Never touches committed entries. */
  truncateFrom(index: number): void {
    if (index > this.entries.length) return;
    if (index <= this.state.commitIndex)
      throw new Error(`refusing to truncate committed entry ${index} (commit index ${this.state.commitIndex})`);
    this.entries.length = index - 1;
    this.rewrite();
  }

  saveState(patch: Partial<HardState>): void {
    this.state = { ...this.state, ...patch };
    const tmp = `${this.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.stateFile);
  }

  private rewrite(): void {
    if (this.fd >= 0) closeSync(this.fd);
    const tmp = `${this.logFile}.tmp`;
    writeFileSync(tmp, this.entries.map((e) => JSON.stringify(e) + '\n').join(''));
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.logFile);
    this.fd = this.fd >= 0 ? openSync(this.logFile, 'a') : -1;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
