// The generated fleet manifests validate against the Kubernetes and Prometheus-Operator schemas
// (kubernetes-models' classes, schemas from the installed packages, nothing fetched), and carry
// what a fleet needs: N replicas in one coordination group, a bind address reachable in the pod,
// exactly one scrape object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Service } from 'kubernetes-models/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { PodMonitor, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { exporterManifests, manifestDefaults, writeManifests, type MonitorKind } from './kubernetes.js';

const validators: Record<string, (o: Record<string, unknown>) => void> = {
  Deployment: (o) => new Deployment(o as never).validate(),
  Service: (o) => new Service(o as never).validate(),
  PodDisruptionBudget: (o) => new PodDisruptionBudget(o as never).validate(),
  ServiceMonitor: (o) => new ServiceMonitor(o as never).validate(),
  PodMonitor: (o) => new PodMonitor(o as never).validate(),
};

const options = (monitor: MonitorKind) => ({
  ...manifestDefaults,
  replicas: 3,
  bootstrap: 'kafka-0.kafka:9092,kafka-1.kafka:9092',
  image: 'registry.example/kafka-sre:0.1.0',
  monitor,
});

for (const monitor of ['servicemonitor', 'podmonitor'] as const)
  test(`manifests with a ${monitor} validate against the schemas and are written as YAML`, async () => {
    const manifests = exporterManifests(options(monitor));
    const kinds = manifests.map((m) => m.object.kind as string);
    assert.deepEqual(kinds, [
      'Deployment',
      'Service',
      monitor === 'servicemonitor' ? 'ServiceMonitor' : 'PodMonitor',
      'PodDisruptionBudget',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'kafka-sre-manifests-'));
    try {
      const files = await writeManifests(dir, manifests);
      assert.equal(readdirSync(dir).length, 4);
      for (const f of files) {
        // Validate what was written, not only the objects in memory.
        const obj = parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
        validators[obj.kind as string](obj);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const deployment = manifests[0].object as {
      spec: { replicas: number; template: { spec: { containers: { args: string[] }[] } } };
    };
    assert.equal(deployment.spec.replicas, 3);
    const args = deployment.spec.template.spec.containers[0].args;
    const flag = (name: string) => args[args.indexOf(name) + 1];
    assert.equal(flag('--host'), '0.0.0.0');
    assert.equal(flag('--coordination-group'), 'kafka-sre-exporter');
    assert.ok(args.includes('--no-probe'));
  });

test('the schemas catch a broken manifest (the validation is real)', () => {
  const [deployment] = exporterManifests(options('servicemonitor'));
  const broken = structuredClone(deployment.object) as { spec: { replicas: unknown } };
  broken.spec.replicas = 'three';
  assert.throws(() => validators.Deployment(broken as never));
  const monitor = exporterManifests(options('servicemonitor'))[2].object as { spec: { endpoints: unknown } };
  monitor.spec.endpoints = 'metrics';
  assert.throws(() => validators.ServiceMonitor(monitor as never));
  assert.throws(() => exporterManifests({ ...options('podmonitor'), replicas: 0 }));
});
