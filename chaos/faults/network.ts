// Network faults through a Toxiproxy-compatible proxy (ours or a real Toxiproxy), always driven
// with toxiproxy-node-client. Toxics are named "gameday-<fault>-<stream>" so a crashed run's
// leftovers can be found and removed by name; a partition disables the proxy (Toxiproxy closes
// the listener and every connection) and re-enables it on rollback.
import { ToxiproxyError, type Toxiproxy } from 'toxiproxy-node-client';
import type { FaultSpec } from '../schema/schema.js';
import type { Fault, FaultContext, FaultFactory, Leftover, ResolvedTarget } from './types.js';

type NetworkSpec = Extract<FaultSpec, { type: `network-${string}` | 'broker-isolate' | 'replication-cut' }>;
type ToxicFaultSpec = Exclude<Extract<FaultSpec, { type: `network-${string}` }>, { type: 'network-partition' }>;

export function proxyName(naming: string, broker: number, listener: string): string {
  return naming.replaceAll('{broker}', String(broker)).replaceAll('{listener}', listener);
}

/** The proxies a network fault acts on. */
export function proxiesOf(spec: NetworkSpec, target: Pick<ResolvedTarget, 'proxyNaming'>): string[] {
  const t = spec.target as { broker?: number | 'active-controller'; listener?: string; proxy?: string };
  if (t.proxy !== undefined) return [t.proxy];
  // Resolved only at injection (brokerOf); before that there is no proxy to name.
  if (t.broker === 'active-controller') return [];
  const broker = t.broker ?? 0;
  if (spec.type === 'broker-isolate')
    return ['replication', 'controller'].map((l) => proxyName(target.proxyNaming, broker, l));
  if (spec.type === 'replication-cut') return [proxyName(target.proxyNaming, broker, 'replication')];
  return [proxyName(target.proxyNaming, broker, t.listener ?? 'client')];
}

/** Toxiproxy toxic type and attributes for a toxic-based fault. */
export function toxicOf(spec: ToxicFaultSpec): {
  type: 'latency' | 'bandwidth' | 'reset_peer' | 'timeout' | 'slicer' | 'limit_data';
  attributes: Record<string, number>;
} {
  switch (spec.type) {
    case 'network-latency':
      return { type: 'latency', attributes: { latency: spec.params.latency, jitter: spec.params.jitter } };
    case 'network-bandwidth':
      return { type: 'bandwidth', attributes: { rate: spec.params.rate } };
    case 'network-reset':
      return { type: 'reset_peer', attributes: { timeout: spec.params.timeout } };
    case 'network-timeout':
      return { type: 'timeout', attributes: { timeout: spec.params.timeout } };
    case 'network-slicer':
      return {
        type: 'slicer',
        attributes: {
          average_size: spec.params.averageSize,
          size_variation: spec.params.sizeVariation,
          delay: spec.params.delayUs,
        },
      };
    case 'network-limit-data':
      return { type: 'limit_data', attributes: { bytes: spec.params.bytes } };
  }
}

const streamsOf = (s: 'upstream' | 'downstream' | 'both'): ('upstream' | 'downstream')[] =>
  s === 'both' ? ['upstream', 'downstream'] : [s];
const toxicName = (fault: string, stream: string) => `gameday-${fault}-${stream}`;
const isNotFound = (e: unknown) => e instanceof ToxiproxyError && /404/.test(e.message);

async function removeToxics(tp: Toxiproxy, proxies: string[], toxics: string[]): Promise<void> {
  const errors: string[] = [];
  for (const p of proxies) {
    for (const t of toxics) {
      try {
        const proxy = await tp.get(p);
        await (await proxy.getToxic(t)).remove();
      } catch (e) {
        if (!isNotFound(e)) errors.push(`${p}/${t}: ${(e as Error).message}`);
      }
    }
  }
  if (errors.length) throw new Error(`could not remove toxics: ${errors.join('; ')}`);
}

async function setEnabled(tp: Toxiproxy, proxies: string[], enabled: boolean): Promise<void> {
  for (const p of proxies) {
    const proxy = await tp.get(p);
    await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
  }
}

function toxicFault(spec: ToxicFaultSpec): Fault {
  const name = spec.name ?? spec.type;
  const toxic = toxicOf(spec);
  const streams = streamsOf(spec.params.stream);
  const names = streams.map((s) => toxicName(name, s));
  return {
    name,
    spec,
    describe: (target) =>
      `${toxic.type} toxic ${JSON.stringify(toxic.attributes)} on proxy ${proxiesOf(spec, target).join(', ')} (${streams.join('+')}, toxicity ${spec.params.toxicity})`,
    leftover: async (ctx) => ({
      fault: name,
      type: spec.type,
      data: { proxies: proxiesOf(spec, ctx.target), toxics: names },
    }),
    async inject(ctx) {
      const tp = ctx.proxy();
      const proxies = proxiesOf(spec, ctx.target);
      try {
        for (const p of proxies) {
          const proxy = await tp.get(p);
          for (const stream of streams) {
            await proxy.addToxic({
              name: toxicName(name, stream),
              type: toxic.type,
              stream,
              toxicity: spec.params.toxicity,
              attributes: toxic.attributes,
            });
          }
        }
      } catch (e) {
        // Partly applied: undo what got through before reporting.
        await removeToxics(tp, proxies, names).catch(() => {});
        throw e;
      }
      return { rollback: () => removeToxics(tp, proxies, names) };
    },
  };
}

/** The proxies of a partition fault, with `broker: active-controller` resolved through the launcher. */
async function resolvedProxies(
  spec: Extract<NetworkSpec, { type: 'network-partition' | 'broker-isolate' | 'replication-cut' }>,
  ctx: FaultContext,
): Promise<string[]> {
  if (spec.type !== 'broker-isolate' || spec.target.broker !== 'active-controller') return proxiesOf(spec, ctx.target);
  const controller = (await ctx.launcher().cluster()).activeController;
  if (controller === null) throw new Error('broker-isolate: the cluster has no active controller to isolate');
  return proxiesOf({ ...spec, target: { broker: controller } }, ctx.target);
}

function partitionFault(
  spec: Extract<NetworkSpec, { type: 'network-partition' | 'broker-isolate' | 'replication-cut' }>,
): Fault {
  const name = spec.name ?? spec.type;
  let planned: string[] | undefined;
  return {
    name,
    spec,
    describe: (target) =>
      spec.type === 'broker-isolate' && spec.target.broker === 'active-controller'
        ? 'disable the replication and controller proxies of the active controller, found at injection (listeners closed, connections cut)'
        : `disable proxy ${proxiesOf(spec, target).join(', ')} (listener closed, connections cut)`,
    async leftover(ctx) {
      planned = await resolvedProxies(spec, ctx);
      return { fault: name, type: spec.type, data: { proxies: planned, disabled: true } };
    },
    async inject(ctx) {
      const tp = ctx.proxy();
      const proxies = planned ?? (await resolvedProxies(spec, ctx));
      try {
        await setEnabled(tp, proxies, false);
      } catch (e) {
        await setEnabled(tp, proxies, true).catch(() => {});
        throw e;
      }
      return { rollback: () => setEnabled(tp, proxies, true) };
    },
  };
}

async function cleanupNetwork(left: Leftover, ctx: FaultContext): Promise<void> {
  const proxies = (left.data.proxies as string[] | undefined) ?? [];
  const tp = ctx.proxy();
  if (left.data.disabled) {
    for (const p of proxies) {
      try {
        await setEnabled(tp, [p], true);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }
  const toxics = (left.data.toxics as string[] | undefined) ?? [];
  if (toxics.length) await removeToxics(tp, proxies, toxics);
}

function toxicFactory<T extends ToxicFaultSpec['type']>(type: T): FaultFactory<T> {
  return { type, needs: 'proxy', create: (spec) => toxicFault(spec as ToxicFaultSpec), cleanup: cleanupNetwork };
}
function partitionFactory<T extends 'network-partition' | 'broker-isolate' | 'replication-cut'>(
  type: T,
): FaultFactory<T> {
  return {
    type,
    needs: 'proxy',
    create: (spec) => partitionFault(spec as Extract<NetworkSpec, { type: T }>),
    cleanup: cleanupNetwork,
  };
}

export const networkFaults = [
  toxicFactory('network-latency'),
  toxicFactory('network-bandwidth'),
  toxicFactory('network-reset'),
  toxicFactory('network-timeout'),
  toxicFactory('network-slicer'),
  toxicFactory('network-limit-data'),
  partitionFactory('network-partition'),
  partitionFactory('broker-isolate'),
  partitionFactory('replication-cut'),
];
