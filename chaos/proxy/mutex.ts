// One operation at a time on a shared object (Toxiproxy guards proxies and toxic chains with
// mutexes; here API calls that await sockets must not interleave).
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
