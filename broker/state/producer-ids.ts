// Producer ids for idempotent producers (InitProducerId). Ids are handed out from blocks whose
// upper bound is persisted before use (Kafka's producer id block), so a restarted broker never
// reuses an id even after SIGKILL. Non-transactional producers always get epoch 0.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const BLOCK = 1000;

export class ProducerIdManager {
  private next = 0;
  private blockEnd = 0;
  private readonly file: string;

  /**
   * In a cluster every broker hands out ids of its own residue class (id = n * stride + nodeId), so
   * two brokers never give the same id without coordinating through the controller.
   */
  constructor(
    private readonly metadataDir: string,
    private readonly nodeId = 0,
    private readonly stride = 1,
  ) {
    this.file = join(metadataDir, 'producer-ids.json');
  }

  load(): void {
    mkdirSync(this.metadataDir, { recursive: true });
    if (existsSync(this.file)) {
      const { nextBlockStart } = JSON.parse(readFileSync(this.file, 'utf8')) as { nextBlockStart: number };
      this.next = nextBlockStart;
      this.blockEnd = nextBlockStart;
    }
  }

  /** A fresh producer id. */
  allocate(): number {
    if (this.next >= this.blockEnd) {
      this.blockEnd = this.next + BLOCK;
      this.persist(this.blockEnd);
    }
    return this.next++ * this.stride + this.nodeId;
  }

  private persist(nextBlockStart: number): void {
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify({ nextBlockStart }));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }
}
