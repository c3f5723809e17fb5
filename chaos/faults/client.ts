// Client-side faults: they change the runner's own load driver, so they need the spec's load
// section and leave nothing behind on the cluster (a crashed run takes its clients with it).
import type { FaultSpec } from '../schema/schema.js';
import type { Fault, FaultFactory } from './types.js';

type Spec<T extends FaultSpec['type']> = Extract<FaultSpec, { type: T }>;

function clientFault(spec: FaultSpec, text: string, inject: Fault['inject']): Fault {
  const name = spec.name ?? spec.type;
  return {
    name,
    spec,
    describe: () => text,
    leftover: async () => ({ fault: name, type: spec.type, data: {} }),
    inject,
  };
}

const nothingLeft = async () => {};

export const clientFaults: FaultFactory[] = [
  {
    type: 'consumer-slow',
    needs: 'load',
    create: (s) => {
      const spec = s as Spec<'consumer-slow'>;
      return clientFault(
        spec,
        `slow the load consumers of group ${spec.target.group} to ${spec.params.delayPerRecord} ms per record (lag grows: F2)`,
        async (ctx) => {
          ctx.load().setConsumerDelay(spec.target.group, spec.params.delayPerRecord);
          return { rollback: async () => ctx.load().setConsumerDelay(spec.target.group, 0) };
        },
      );
    },
    cleanup: nothingLeft,
  },
  {
    type: 'consumer-stop',
    needs: 'load',
    create: (s) => {
      const spec = s as Spec<'consumer-stop'>;
      return clientFault(
        spec,
        `stop the load consumers of group ${spec.target.group} (lag grows, group empties: F2)`,
        async (ctx) => {
          await ctx.load().stopConsumers(spec.target.group);
          return { rollback: () => ctx.load().startConsumers(spec.target.group) };
        },
      );
    },
    cleanup: nothingLeft,
  },
  {
    type: 'hot-partition',
    needs: 'load',
    create: (s) => {
      const spec = s as Spec<'hot-partition'>;
      return clientFault(
        spec,
        `send ${Math.round(spec.params.share * 100)}% of records with key "${spec.params.key}" (one partition saturates: F7)`,
        async (ctx) => {
          ctx.load().setHotKey(spec.params.share, spec.params.key);
          return { rollback: async () => ctx.load().setHotKey(0, spec.params.key) };
        },
      );
    },
    cleanup: nothingLeft,
  },
  {
    type: 'transaction-producer-kill',
    needs: 'load',
    create: (s) => {
      const spec = s as Spec<'transaction-producer-kill'>;
      const { producer } = spec.target;
      const { signal, restart } = spec.params;
      return clientFault(
        spec,
        signal === 'SIGKILL'
          ? `SIGKILL transactional producer ${producer} mid-transaction (its transaction hangs until the coordinator's timeout: F11)${restart ? ', start a new instance of its transactional id on rollback' : ''}`
          : `SIGSTOP transactional producer ${producer} mid-transaction, SIGCONT on rollback (F11)`,
        async (ctx) => {
          const load = ctx.load();
          if (!load.holdTransactionalProducer || !load.releaseTransactionalProducer)
            throw new Error('transaction-producer-kill needs a load driver with load.transactions');
          await load.holdTransactionalProducer(producer, signal);
          return { rollback: async () => load.releaseTransactionalProducer?.(producer, restart) };
        },
      );
    },
    cleanup: nothingLeft,
  },
  {
    type: 'credentials-revoke',
    needs: 'load',
    create: (s) => {
      const spec = s as Spec<'credentials-revoke'>;
      return clientFault(
        spec,
        `reconnect the load ${spec.target.client} with revoked credentials (authentication failures: F10)`,
        async (ctx) => {
          await ctx.load().setCredentialsRevoked(spec.target.client, true);
          return { rollback: () => ctx.load().setCredentialsRevoked(spec.target.client, false) };
        },
      );
    },
    cleanup: nothingLeft,
  },
];
