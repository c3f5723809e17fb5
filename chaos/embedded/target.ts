// `target.kind: embedded`: what the runner checks before starting the drill cluster (problems a
// spec has whatever the cluster does, so a bad spec never waits a minute for a cluster), and the
// start itself: a temporary directory, the stack at drill speed, and its removal afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertsNamedBy, type GameDaySpec } from '../schema/schema.js';
import { drillThresholds, startEmbeddedStack, type EmbeddedStack } from './stack.js';

type EmbeddedTargetSpec = Extract<GameDaySpec['target'], { kind: 'embedded' }>;

/** Spec problems specific to an embedded target, found without starting anything. */
export function embeddedSpecProblems(spec: GameDaySpec): string[] {
  const problems: string[] = [];
  if (spec.hygiene.mode !== 'none')
    problems.push(
      `hygiene.mode ${spec.hygiene.mode}: the embedded cluster has no Alertmanager (no drill alert can page anyone); use hygiene.mode none`,
    );
  if (spec.load?.sasl)
    problems.push(
      'load.sasl: the embedded cluster has no SASL listener; run authentication drills against an existing target',
    );
  if (spec.expectations.notifications.length)
    problems.push(
      'expectations.notifications: the embedded cluster has no Alertmanager to route notifications; run routing drills against an existing target',
    );
  return problems;
}

export interface StartedEmbeddedTarget {
  stack: EmbeddedStack;
  /** Stops every process and removes the directory (unless target.keep). */
  dispose(): Promise<void>;
}

export async function startEmbeddedTarget(
  t: EmbeddedTargetSpec,
  spec: GameDaySpec,
  onNotice: (line: string) => void = () => {},
): Promise<StartedEmbeddedTarget> {
  const dir = await mkdtemp(join(tmpdir(), 'kafka-sre-embedded-'));
  const started = Date.now();
  let stack: EmbeddedStack;
  try {
    stack = await startEmbeddedStack({
      dir,
      brokers: t.brokers,
      controllers: t.controllers,
      drillAlerts: alertsNamedBy(spec),
      alertFor: t.alertFor,
      thresholds: { ...drillThresholds, ...t.thresholds },
      proxyControllers: t.proxyControllers,
      proxyNaming: t.proxyNaming,
      logLevel: t.logLevel,
      onProgress: onNotice,
    });
  } catch (e) {
    if (!t.keep) await rm(dir, { recursive: true, force: true });
    throw e;
  }
  try {
    onNotice('waiting for an active controller and Prometheus scraping every broker');
    await stack.waitReady(180_000);
  } catch (e) {
    await stack.stop();
    if (!t.keep) await rm(dir, { recursive: true, force: true });
    throw e;
  }
  onNotice(
    `embedded cluster ready in ${Math.round((Date.now() - started) / 1000)} s (${dir}${t.keep ? ', kept afterwards' : ''}): bootstrap ${stack.bootstrap.join(',')}, Prometheus ${stack.prometheusUrl}, proxy API ${stack.proxyApiUrl}, launcher ${stack.launcherUrl}`,
  );
  return {
    stack,
    async dispose() {
      onNotice('stopping the embedded cluster');
      await stack.stop();
      if (!t.keep) await rm(dir, { recursive: true, force: true });
    },
  };
}
