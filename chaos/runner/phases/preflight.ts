// Pre-flight: everything that can be checked without changing the target, so a drill that cannot
// run properly stops (exit 2) before anything is injected rather than halfway through.
import { UsageError } from '../../../common/index.js';
import type { FaultRegistry } from '../../faults/registry.js';
import type { Fault, FaultContext, ResolvedTarget } from '../../faults/types.js';
import { saslCredentials } from '../../../kafka-client/index.js';
import type { GameDaySpec } from '../../schema/schema.js';
import { PrometheusClient } from '../../verify/prometheus.js';
import { alertmanagerReady, hasDrillRoute } from '../hygiene.js';
import { checkAllowList } from '../target.js';
import type { Drill } from './drill.js';

export class PreflightError extends UsageError {
  constructor(readonly problems: string[]) {
    super(`pre-flight failed, nothing was injected:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PreflightError';
  }
}

/** The pre-flight phase: the checks below, journaled; any problem throws PreflightError. */
export async function passPreflight(d: Drill): Promise<void> {
  const problems = await preflight(d.spec, d.target, d.faults, d.registry, d.ctx);
  if (problems.length) {
    d.journal.add('pre-flight-failed', { problems });
    throw new PreflightError(problems);
  }
  d.journal.add('pre-flight-ok');
}

/** Everything that can be checked without changing the target. Returns the problems found. */
export async function preflight(
  spec: GameDaySpec,
  target: ResolvedTarget,
  faults: Fault[],
  registry: FaultRegistry,
  ctx: FaultContext,
): Promise<string[]> {
  const problems = checkAllowList(target, spec.target.allowedHosts);
  if (problems.length) return problems;
  const needs = new Set(faults.map((f) => registry.factory(f.spec.type).needs));
  const checks: Promise<string | undefined>[] = [];
  const attempt = (fn: () => Promise<unknown>, what: string) =>
    checks.push(
      fn().then(
        () => undefined,
        (e: Error) => `${what}: ${e.message}`,
      ),
    );
  attempt(() => new PrometheusClient(target.prometheusUrl, 3000).ready(), 'target.prometheusUrl');
  if (needs.has('proxy')) {
    if (!target.proxyApiUrl) problems.push('network faults need target.proxyApiUrl');
    else
      attempt(async () => {
        await ctx.proxy().getVersion();
        const have = await ctx.proxy().getAll();
        for (const f of faults) {
          if (registry.factory(f.spec.type).needs !== 'proxy') continue;
          const { proxiesOf } = await import('../../faults/network.js');
          for (const p of proxiesOf(f.spec as Parameters<typeof proxiesOf>[0], target))
            if (!have[p])
              throw new Error(
                `fault ${f.name}: no proxy named "${p}" (proxies: ${Object.keys(have).join(', ') || 'none'})`,
              );
        }
      }, 'target.proxyApiUrl');
  }
  if (needs.has('launcher')) {
    if (!target.launcherUrl)
      problems.push(
        'process faults (kill, pause, controller, log-dir) need target.launcherUrl, the cluster launcher admin API (issue 4)',
      );
    else attempt(() => ctx.launcher().cluster(), 'target.launcherUrl');
  }
  problems.push(...staticProblems(spec, registry));
  if (
    !target.launcherUrl &&
    faults.some((f) => f.spec.type === 'broker-isolate' && f.spec.target.broker === 'active-controller')
  )
    problems.push('broker-isolate of the active controller needs target.launcherUrl (to find it)');
  if (spec.load?.sasl) {
    try {
      saslCredentials(spec.load.sasl, 'load');
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (needs.has('kafka') || spec.load || spec.steadyState.probes.some((p) => p.type === 'produce-consume')) {
    attempt(async () => {
      await (await ctx.admin()).describeCluster();
    }, 'target.bootstrapServers');
  }
  if (spec.hygiene.mode !== 'none') {
    const am = target.alertmanagerUrl;
    if (!am) problems.push(`hygiene.mode ${spec.hygiene.mode} needs target.alertmanagerUrl`);
    else if (spec.hygiene.mode === 'silence') attempt(() => alertmanagerReady(am), 'target.alertmanagerUrl');
    else
      attempt(async () => {
        if (!(await hasDrillRoute(am, spec.hygiene.label.name)))
          throw new Error(
            `no route on label "${spec.hygiene.label.name}" in the running Alertmanager config: drill alerts would page`,
          );
      }, 'target.alertmanagerUrl');
  }
  for (const r of await Promise.all(checks)) if (r) problems.push(r);
  return problems;
}

/** Spec problems no target can fix (checked again, with the target's, in preflight). */
export function staticProblems(spec: GameDaySpec, registry: FaultRegistry): string[] {
  const problems: string[] = [];
  if (spec.faults.some((f) => registry.factory(f.type).needs === 'load') && !spec.load)
    problems.push('client-side faults need a load section');
  if (spec.faults.some((f) => f.type === 'credentials-revoke') && !spec.load?.sasl)
    problems.push('credentials-revoke needs load.sasl (the credentials it revokes)');
  return problems;
}
