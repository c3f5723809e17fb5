// Resolve the spec's target into concrete URLs, and enforce the allow-list before anything runs.
import { UsageError } from '../../common/index.js';
import { saslCredentials, type SaslCredentials, type SaslSettings } from '../../kafka-client/index.js';
import type { TargetSpec } from '../schema/schema.js';
import type { ResolvedTarget } from '../faults/types.js';

function hostOf(hostPort: string): string {
  const m = /^\[([^\]]+)\]:\d+$/.exec(hostPort);
  return m ? m[1] : hostPort.slice(0, hostPort.lastIndexOf(':'));
}

/** The lock and history key of a target, known before anything starts. */
export function targetId(t: TargetSpec): string {
  return t.kind === 'embedded' ? (t.name ?? 'embedded') : (t.name ?? t.bootstrapServers.join(','));
}

/** Where a started embedded stack (chaos/embedded/stack.ts) listens. */
export interface EmbeddedEndpoints {
  bootstrap: string[];
  prometheusUrl: string;
  proxyApiUrl: string;
  launcherUrl: string;
}

/**
 * An existing cluster resolves directly. An embedded one resolves to the stack the runner started
 * for it; before that (a dry run's plan) to its shape only: loopback, no URLs yet.
 */
export function resolveTarget(
  t: TargetSpec,
  opts: { credentials?: boolean; embedded?: EmbeddedEndpoints } = {},
): ResolvedTarget {
  if (t.kind === 'embedded') {
    const e = opts.embedded;
    return {
      id: targetId(t),
      bootstrapServers: e?.bootstrap ?? [],
      prometheusUrl: e?.prometheusUrl ?? 'http://127.0.0.1',
      ...(e ? { proxyApiUrl: e.proxyApiUrl, launcherUrl: e.launcherUrl } : {}),
      webhookListen: t.webhookListen,
      proxyNaming: t.proxyNaming,
    };
  }
  return {
    id: targetId(t),
    bootstrapServers: t.bootstrapServers,
    prometheusUrl: t.prometheusUrl,
    proxyApiUrl: t.proxyApiUrl,
    launcherUrl: t.launcherUrl,
    alertmanagerUrl: t.alertmanagerUrl,
    webhookListen: t.webhookListen,
    proxyNaming: t.proxyNaming,
    // A dry run prints the plan without reading passwords.
    ...(t.sasl && opts.credentials !== false ? { sasl: saslOrUsage(t.sasl, 'target') } : {}),
  };
}

/** Credentials resolved before anything runs (`<where>.sasl`): an unset password variable is a usage error. */
export function saslOrUsage(s: SaslSettings, where: 'target' | 'load'): SaslCredentials {
  try {
    return saslCredentials(s, where);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Every host the drill would touch must be on target.allowedHosts (loopback by default). */
export function checkAllowList(target: ResolvedTarget, allowedHosts: readonly string[]): string[] {
  const problems: string[] = [];
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase().replace(/^\[|\]$/g, '')));
  const check = (what: string, host: string) => {
    const h = host.toLowerCase().replace(/^\[|\]$/g, '');
    if (!allowed.has(h))
      problems.push(`${what} host ${host} is not on target.allowedHosts (${[...allowed].join(', ')})`);
  };
  for (const b of target.bootstrapServers) check('bootstrap server', hostOf(b));
  if (target.webhookListen) check('webhookListen', hostOf(target.webhookListen));
  for (const [what, url] of [
    ['prometheusUrl', target.prometheusUrl],
    ['proxyApiUrl', target.proxyApiUrl],
    ['launcherUrl', target.launcherUrl],
    ['alertmanagerUrl', target.alertmanagerUrl],
  ] as const) {
    if (url) check(what, new URL(url).hostname);
  }
  return problems;
}
