// Process-level faults through the cluster launcher's admin API (issue 4; see launcher-client.ts).
// The runner never signals broker processes itself: the launcher owns them and knows their pids.
// Pause (SIGSTOP) is the GC-pause stand-in: a pause shorter than the broker session timeout shows
// as request latency (F8: the latency / pause alert); a longer one gets the broker fenced, so its
// partitions turn under-replicated (F3) and the broker-down alert fires.
import type { FaultSpec } from '../schema/schema.js';
import type { Fault, FaultContext, FaultFactory, Leftover } from './types.js';

type Spec<T extends FaultSpec['type']> = Extract<FaultSpec, { type: T }>;

async function undo(left: Leftover, ctx: FaultContext): Promise<void> {
  const l = ctx.launcher();
  const nodes = (left.data.nodes as number[] | undefined) ?? [];
  const action = left.data.undo as 'restart' | 'resume' | 'capacity' | 'none';
  const state = await l.nodes();
  for (const id of nodes) {
    const node = state.find((n) => n.id === id);
    if (action === 'restart' && node?.state === 'stopped') await l.restart(id);
    else if (action === 'resume' && node?.state === 'paused') await l.resume(id);
    else if (action === 'capacity')
      await l.setLogDirCapacity(id, (left.data.previousCapacity as number | null | undefined) ?? null);
  }
}

function processFault<T extends FaultSpec['type']>(
  spec: Spec<T>,
  text: string,
  plan: (ctx: FaultContext) => Promise<Leftover['data']>,
  act: (ctx: FaultContext, data: Leftover['data']) => Promise<void>,
): Fault {
  const name = spec.name ?? spec.type;
  let planned: Leftover | undefined;
  return {
    name,
    spec,
    describe: () => text,
    async leftover(ctx) {
      planned = { fault: name, type: spec.type, data: await plan(ctx) };
      return planned;
    },
    async inject(ctx) {
      const left = planned ?? (await this.leftover(ctx));
      await act(ctx, left.data);
      return { rollback: () => undo(left, ctx) };
    },
  };
}

export const processFaults: FaultFactory[] = [
  {
    type: 'broker-kill',
    needs: 'launcher',
    create: (s) => {
      const spec = s as Spec<'broker-kill'>;
      return processFault(
        spec,
        `SIGKILL broker ${spec.target.broker}${spec.params.restart ? ', restart it on rollback' : ''}`,
        async () => ({ nodes: [spec.target.broker], undo: spec.params.restart ? 'restart' : 'none' }),
        (ctx) => ctx.launcher().kill(spec.target.broker),
      );
    },
    cleanup: undo,
  },
  {
    type: 'broker-pause',
    needs: 'launcher',
    create: (s) => {
      const spec = s as Spec<'broker-pause'>;
      return processFault(
        spec,
        `SIGSTOP broker ${spec.target.broker} for ${spec.duration} ms, SIGCONT on rollback`,
        async () => ({ nodes: [spec.target.broker], undo: 'resume' }),
        (ctx) => ctx.launcher().pause(spec.target.broker),
      );
    },
    cleanup: undo,
  },
  {
    type: 'controller-kill',
    needs: 'launcher',
    create: (s) => {
      const spec = s as Spec<'controller-kill'>;
      return processFault(
        spec,
        'SIGKILL the active controller (a new one must be elected), restart it on rollback',
        async (ctx) => {
          const { activeController } = await ctx.launcher().cluster();
          if (activeController === null) throw new Error('no active controller to kill');
          return { nodes: [activeController], undo: 'restart' };
        },
        async (ctx, data) => {
          for (const id of data.nodes as number[]) await ctx.launcher().kill(id);
        },
      );
    },
    cleanup: undo,
  },
  {
    type: 'controller-quorum-loss',
    needs: 'launcher',
    create: (s) => {
      const spec = s as Spec<'controller-quorum-loss'>;
      return processFault(
        spec,
        'SIGKILL a majority of the controller voters (no active controller: F5), restart them on rollback',
        async (ctx) => {
          const { controllerVoters } = await ctx.launcher().cluster();
          const majority = Math.floor(controllerVoters.length / 2) + 1;
          return { nodes: controllerVoters.slice(0, majority), undo: 'restart' };
        },
        async (ctx, data) => {
          for (const id of data.nodes as number[]) await ctx.launcher().kill(id);
        },
      );
    },
    cleanup: undo,
  },
  {
    type: 'log-dir-fill',
    needs: 'launcher',
    create: (s) => {
      const spec = s as Spec<'log-dir-fill'>;
      return processFault(
        spec,
        `shrink broker ${spec.target.broker}'s log-dir capacity to ${spec.params.capacityBytes ?? `its used bytes + ${spec.params.headroomBytes}`} (disk full), restore on rollback`,
        async (ctx) => {
          const node = (await ctx.launcher().nodes()).find((n) => n.id === spec.target.broker);
          if (!node) throw new Error(`launcher has no node ${spec.target.broker}`);
          return {
            nodes: [node.id],
            undo: 'capacity',
            previousCapacity: node.logDir.capacityBytes,
            capacity: spec.params.capacityBytes ?? node.logDir.usedBytes + spec.params.headroomBytes,
          };
        },
        (ctx, data) => ctx.launcher().setLogDirCapacity(spec.target.broker, data.capacity as number),
      );
    },
    cleanup: undo,
  },
];
