// The context faults act through: the target, and the clients they need (proxy API, launcher,
// Kafka admin, the runner's own load). Clients are built on first use, so a drill that needs no
// Kafka admin never connects one, and pre-flight's checks reuse the clients the faults will use.
import type { Admin } from 'kafkajs';
import { createKafka } from '../../kafka-client/index.js';
import { Toxiproxy } from 'toxiproxy-node-client';
import { LauncherClient } from '../faults/launcher-client.js';
import type { FaultContext, LoadControl, ResolvedTarget } from '../faults/types.js';

/** Build the context faults act through; clients are created lazily and closed by `close`. */
export function faultContext(
  target: ResolvedTarget,
  load: () => LoadControl | undefined,
): FaultContext & { close(): Promise<void> } {
  let toxiproxy: Toxiproxy | undefined;
  let launcher: LauncherClient | undefined;
  let admin: Promise<Admin> | undefined;
  return {
    target,
    proxy() {
      if (!target.proxyApiUrl)
        throw new Error('this fault needs target.proxyApiUrl (the Toxiproxy-compatible proxy API)');
      return (toxiproxy ??= new Toxiproxy(target.proxyApiUrl));
    },
    launcher() {
      if (!target.launcherUrl)
        throw new Error('this fault needs target.launcherUrl (the cluster launcher admin API, issue 4)');
      return (launcher ??= new LauncherClient(target.launcherUrl));
    },
    admin() {
      admin ??= (async () => {
        const a = createKafka({
          clientId: 'kafka-sre-gameday',
          brokers: target.bootstrapServers,
          sasl: target.sasl,
          retry: { retries: 2 },
        }).admin();
        await a.connect();
        return a;
      })();
      return admin;
    },
    load() {
      const l = load();
      if (!l) throw new Error("this fault needs the spec's load section (it acts on the runner's own clients)");
      return l;
    },
    async close() {
      // Idempotent: the runner closes in its inner and outer finally blocks.
      const a = admin;
      admin = undefined;
      if (a) await (await a.catch(() => undefined))?.disconnect().catch(() => {});
    },
  };
}
