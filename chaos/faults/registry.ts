// Fault registry: one factory per spec fault type. A test proves every type in the schema has one.
import type { FaultSpec, FaultType } from '../schema/schema.js';
import { clientFaults } from './client.js';
import { kafkaAdminFaults } from './kafka-admin.js';
import { networkFaults } from './network.js';
import { processFaults } from './process.js';
import type { Fault, FaultFactory } from './types.js';

export class FaultRegistry {
  private readonly factories = new Map<string, FaultFactory>();

  constructor(factories: readonly FaultFactory[] = []) {
    for (const f of factories) this.register(f);
  }

  register(factory: FaultFactory): void {
    if (this.factories.has(factory.type)) throw new Error(`fault type ${factory.type} registered twice`);
    this.factories.set(factory.type, factory);
  }

  factory(type: FaultType | string): FaultFactory {
    const f = this.factories.get(type);
    if (!f) throw new Error(`no fault implementation for type ${type}`);
    return f;
  }

  create(spec: FaultSpec): Fault {
    return this.factory(spec.type).create(spec as never);
  }

  types(): string[] {
    return [...this.factories.keys()];
  }
}

export function defaultFaultRegistry(): FaultRegistry {
  return new FaultRegistry([
    ...networkFaults,
    ...processFaults,
    ...kafkaAdminFaults,
    ...clientFaults,
  ] as FaultFactory[]);
}
