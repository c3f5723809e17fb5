// All proxies of a server by name (Toxiproxy's ProxyCollection): create, replace on populate,
// remove, reset.
import { errors, type ApiError } from './api-error.js';
import { Proxy, ProxyAlreadyStarted, type ProxyEnv } from './proxy.js';
import { Mutex } from './mutex.js';

export interface PopulateEntry {
  name: string;
  listen: string;
  upstream: string;
  /** Defaults to true. */
  enabled?: boolean;
}

export interface PopulateResult {
  proxies: Proxy[];
  error?: unknown;
}

export class ProxyCollection {
  private proxies = new Map<string, Proxy>();
  private readonly mutex = new Mutex();

  constructor(private readonly env: ProxyEnv) {}

  newProxy(name: string, listen: string, upstream: string): Proxy {
    return new Proxy(name, listen, upstream, this.env);
  }

  /** Every proxy, sorted by name (Go marshals maps in key order). */
  all(): Proxy[] {
    return [...this.proxies.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): Proxy {
    const p = this.proxies.get(name);
    if (!p) throw errors.proxyNotFound;
    return p;
  }

  add(proxy: Proxy, start: boolean): Promise<Proxy> {
    return this.mutex.run(async () => {
      if (this.proxies.has(proxy.name)) throw errors.proxyAlreadyExists;
      if (start) await proxy.start();
      this.proxies.set(proxy.name, proxy);
      return proxy;
    });
  }

  private async addOrReplaceLocked(proxy: Proxy, start: boolean): Promise<Proxy> {
    const existing = this.proxies.get(proxy.name);
    if (existing) {
      if (!(await existing.differs(proxy))) return existing;
      await existing.stop();
    }
    if (start) await proxy.start();
    this.proxies.set(proxy.name, proxy);
    return proxy;
  }

  /**
   * Create or replace proxies (POST /populate, --config). Entries are checked first; a proxy whose
   * addresses are unchanged is kept as it is (with its toxics). Stops at the first failure and
   * reports the proxies handled so far.
   */
  populate(entries: PopulateEntry[]): Promise<PopulateResult> {
    return this.mutex.run(async () => {
      for (const [i, e] of entries.entries()) {
        if (!e.name) throw errors.missingField.join(`name at proxy ${i + 1}`);
        if (!e.upstream) throw errors.missingField.join(`upstream at proxy ${i + 1}`);
      }
      const done: Proxy[] = [];
      for (const e of entries) {
        try {
          done.push(await this.addOrReplaceLocked(this.newProxy(e.name, e.listen, e.upstream), e.enabled ?? true));
        } catch (error) {
          return { proxies: done, error };
        }
      }
      return { proxies: done };
    });
  }

  remove(name: string): Promise<void> {
    return this.mutex.run(async () => {
      const p = this.get(name);
      await p.stop();
      this.proxies.delete(name);
    });
  }

  /** POST /reset: enable every proxy and remove every toxic. */
  async reset(): Promise<void> {
    for (const p of this.all()) {
      try {
        await p.start();
      } catch (e) {
        if (!(e instanceof ProxyAlreadyStarted)) throw e;
      }
      await p.toxics.reset();
    }
  }

  /** Stop everything (server shutdown). */
  async clear(): Promise<void> {
    await this.mutex.run(async () => {
      for (const p of this.proxies.values()) await p.stop();
      this.proxies.clear();
    });
  }
}

export type { ApiError };
