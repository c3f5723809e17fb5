// High watermarks persisted across restarts, as Kafka's `replication-offset-checkpoint` in the log
// directory ("0\n<n>\n<topic> <partition> <hw>\n..."). A replicated broker that restarts starts
// each replica at its checkpointed HW (capped at the recovered log end) instead of 0, so a leader
// it becomes soon after does not report a high watermark that went backwards (ListOffsets latest,
// consumers' lag) and the HW truncation fallback keeps what was committed.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const HW_CHECKPOINT_FILE = 'replication-offset-checkpoint';

const keyOf = (topic: string, partition: number) => `${topic} ${partition}`;

export class HighWatermarkCheckpoint {
  private readonly path: string;
  private last = '';

  constructor(logDir: string) {
    this.path = join(logDir, HW_CHECKPOINT_FILE);
  }

  /** Checkpointed HWs by "topic partition" (empty when the file is missing or malformed). */
  read(): Map<string, number> {
    const out = new Map<string, number>();
    if (!existsSync(this.path)) return out;
    const lines = readFileSync(this.path, 'utf8').split('\n');
    const n = Number(lines[1]);
    if (lines[0] !== '0' || !Number.isInteger(n)) return out;
    for (const line of lines.slice(2, 2 + n)) {
      // Topic names cannot contain spaces; the last two fields are numbers.
      const parts = line.split(' ');
      const hw = Number(parts[2]);
      if (parts.length === 3 && Number.isInteger(hw) && hw >= 0) out.set(`${parts[0]} ${parts[1]}`, hw);
    }
    return out;
  }

  static lookup(hws: Map<string, number>, topic: string, partition: number): number | undefined {
    return hws.get(keyOf(topic, partition));
  }

  /** Writes the file atomically (tmp + rename), only when something changed since the last write. */
  write(entries: { topic: string; partition: number; hw: number }[]): void {
    const lines = entries.map((e) => `${keyOf(e.topic, e.partition)} ${e.hw}`);
    const text = `0\n${lines.length}\n${lines.map((l) => l + '\n').join('')}`;
    if (text === this.last) return;
    writeFileSync(this.path + '.tmp', text);
    renameSync(this.path + '.tmp', this.path);
    this.last = text;
  }
}
