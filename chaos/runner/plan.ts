// --dry-run: the plan a spec would carry out, as text. Nothing is contacted or changed.
import { defaultFaultRegistry, type FaultRegistry } from '../faults/registry.js';
import type { LoadedSpec } from '../schema/parse.js';
import { formatDuration as d } from '../schema/duration.js';
import { checkAllowList, resolveTarget } from './target.js';

export function planText(loaded: LoadedSpec, registry: FaultRegistry = defaultFaultRegistry()): string {
  const { spec, file } = loaded;
  const target = resolveTarget(spec.target, { credentials: false });
  const out: string[] = [`game day "${spec.name}" (${file}), dry run: nothing will be contacted or changed`];
  if (spec.description) out.push(`  ${spec.description}`);
  const t = spec.target;
  if (t.kind === 'embedded')
    out.push(
      `target ${target.id}: an embedded reference cluster the runner starts and stops (${t.brokers} brokers, ${t.controllers} controllers, a proxy per listener, the exporter, Prometheus with the generated rules at 1 s intervals and \`for: ${t.alertFor}\` on the drilled alerts)`,
    );
  else
    out.push(
      `target ${target.id}: prometheus ${target.prometheusUrl}${target.proxyApiUrl ? `, proxy API ${target.proxyApiUrl}` : ''}${target.launcherUrl ? `, launcher ${target.launcherUrl}` : ''}${target.alertmanagerUrl ? `, alertmanager ${target.alertmanagerUrl}` : ''}${t.sasl ? `, admin client as ${t.sasl.username} (${t.sasl.mechanism})` : ''}`,
    );
  for (const p of checkAllowList(target, spec.target.allowedHosts)) out.push(`  ! ${p}`);
  out.push(
    `safety: max ${d(spec.safety.maxDuration)}${spec.safety.abortWhen.length ? `, abort when ${spec.safety.abortWhen.map((c) => `${c.query} ${c.comparator} ${c.value} x${c.consecutive}`).join(' or ')}` : ''}${spec.safety.abortOnProbeFailures ? `, abort after ${spec.safety.abortOnProbeFailures} failed probes in a row` : ''}`,
  );
  out.push(
    `hygiene: ${spec.hygiene.mode === 'silence' ? 'silence the drill alerts in Alertmanager for the run' : spec.hygiene.mode === 'drill-receiver' ? `alerts labelled ${spec.hygiene.label.name} go to the drill receiver` : 'none (alerts may notify)'}`,
  );
  out.push('steps:');
  out.push('  1. pre-flight: allow-list, Prometheus ready, proxy/launcher/Kafka/Alertmanager reachable as needed');
  out.push('  2. lock the target; clean up leftovers of a crashed run');
  for (const p of spec.steadyState.probes)
    out.push(
      `  3. probe ${p.name} [${p.when.join(', ')}]: ${p.type === 'prometheus' ? `${p.query} ${p.comparator} ${p.value}${p.tolerance ? ` ±${p.tolerance}` : ''}` : `produce/consume on ${p.topic} within ${d(p.timeout)}`}`,
    );
  if (spec.load)
    out.push(
      `  4. load: ${spec.load.producers} producer(s) at ${spec.load.rate}/s, ${spec.load.recordSize} B, acks=${spec.load.acks}, keys ${spec.load.keys.distribution} on ${spec.load.topic}${spec.load.consumers ? `; ${spec.load.consumers.count} consumer(s) in ${spec.load.consumers.groupId}` : ''}`,
    );
  const txn = spec.load?.transactions;
  if (txn)
    out.push(
      `  4. transactions: ${txn.producers} transactional producer process(es) (ids ${txn.transactionalIdPrefix}-N, timeout ${txn.transactionTimeout} ms), ${txn.recordsPerTransaction} records per transaction held open ${txn.interval} ms, every ${txn.abortEvery || 'no'}th aborted${txn.abortingProducers !== undefined ? ` (by the first ${txn.abortingProducers} producer(s))` : ''}; ${txn.consumers.count} read_committed consumer(s) in ${txn.consumers.groupId}`,
    );
  for (const f of spec.faults) {
    const fault = registry.create(f);
    out.push(`  5. at +${d(f.start)} for ${d(f.duration)}: ${f.type} "${fault.name}": ${fault.describe(target)}`);
  }
  out.push('  6. roll back every fault (always, also on abort, error and SIGINT/SIGTERM)');
  out.push('expectations:');
  for (const a of spec.expectations.alerts)
    out.push(
      `  - ${a.alert}${Object.keys(a.labels).length ? JSON.stringify(a.labels) : ''} fires within ${d(a.fireWithin)} of ${a.fault ?? spec.faults[0].name} and resolves within ${d(a.resolveWithin)} of its rollback`,
    );
  for (const n of spec.expectations.notifications)
    out.push(
      `  - ${n.alert} reaches Alertmanager receiver ${n.receiver} within ${d(n.within)} of ${n.fault ?? spec.faults[0].name} (webhook on ${spec.target.webhookListen})`,
    );
  for (const m of spec.expectations.mustNotFire) out.push(`  - ${m.alert} must not fire`);
  if (spec.expectations.data)
    out.push(
      `  - data (the whole topic read back after the drill): lost-write <= ${spec.expectations.data.maxLost}, ${spec.expectations.data.maxDuplicates !== undefined ? `duplicate <= ${spec.expectations.data.maxDuplicates}` : 'duplicate reported'}, nonmonotonic-send 0, indeterminate sends counted${txn ? '; transactions: committed-lost 0, group-missed 0, duplicate 0, aborted-visible 0, the read_committed group past every hung transaction' : ''}`,
    );
  return out.join('\n') + '\n';
}
