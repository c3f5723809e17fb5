// The toxics of one proxy (Toxiproxy's ToxicCollection): an ordered chain per direction and the
// live links they are applied to. Every change reaches existing connections before the API
// answers; operations run one at a time.
import type { Link } from './link.js';
import { Mutex } from './mutex.js';
import type { Direction, ToxicDefinition } from './toxic.js';
import type { Attributes } from './toxics/types.js';
import { errors } from './api-error.js';

export class ToxicCollection {
  private chains: Record<Direction, ToxicDefinition[]> = { upstream: [], downstream: [] };
  private links = new Set<Link>();
  private readonly mutex = new Mutex();

  /** Upstream toxics first, then downstream, each in the order added (Toxiproxy's listing order). */
  list(): ToxicDefinition[] {
    return [...this.chains.upstream, ...this.chains.downstream];
  }

  chain(direction: Direction): readonly ToxicDefinition[] {
    return this.chains[direction];
  }

  get(name: string): ToxicDefinition | undefined {
    return this.list().find((t) => t.name === name);
  }

  register(links: Link[]): () => void {
    for (const l of links) this.links.add(l);
    return () => {
      for (const l of links) this.links.delete(l);
    };
  }

  private linksFor(direction: Direction): Link[] {
    return [...this.links].filter((l) => l.direction === direction);
  }

  add(toxic: ToxicDefinition): Promise<ToxicDefinition> {
    return this.mutex.run(() => {
      if (this.get(toxic.name)) throw errors.toxicAlreadyExists;
      this.chains[toxic.direction].push(toxic);
      for (const link of this.linksFor(toxic.direction)) link.addStage(toxic);
      return toxic;
    });
  }

  /** Merge attributes, set toxicity, and restart the toxic on every connection. */
  update(
    name: string,
    change: (current: ToxicDefinition) => { attributes: Attributes; toxicity: number },
  ): Promise<ToxicDefinition> {
    return this.mutex.run(async () => {
      const toxic = this.get(name);
      if (!toxic) throw errors.toxicNotFound;
      const next = change(toxic);
      toxic.attributes = next.attributes;
      toxic.toxicity = next.toxicity;
      await Promise.all(this.linksFor(toxic.direction).map((l) => l.restartStage(toxic)));
      return toxic;
    });
  }

  remove(name: string): Promise<void> {
    return this.mutex.run(async () => {
      const toxic = this.get(name);
      if (!toxic) throw errors.toxicNotFound;
      await this.removeLocked(toxic);
    });
  }

  private async removeLocked(toxic: ToxicDefinition): Promise<void> {
    const chain = this.chains[toxic.direction];
    chain.splice(chain.indexOf(toxic), 1);
    await Promise.all(this.linksFor(toxic.direction).map((l) => l.removeStage(toxic)));
  }

  /** Remove every toxic (POST /reset). */
  reset(): Promise<void> {
    return this.mutex.run(async () => {
      for (const t of this.list()) await this.removeLocked(t);
    });
  }
}
