// Template variables: a Prometheus data source picker and the label filters every query uses
// (promql.ts adds the matching `label=~"$var"` matchers). Each filter is multi-select with an
// "All" option whose value is `.*`, so "All" also matches series without the label.
import {
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
  type VariableModel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { brokerMetrics, exporterMetrics, type MetricDef } from '../common/metrics/index.js';
import { sel } from './promql.js';
import type { VariableName } from './types.js';

export const datasourceRef = { type: 'prometheus', uid: '${datasource}' } as const;

interface VariableSource {
  label: string;
  description: string;
  /** Series whose label values list the choices, and the label to read. */
  metric: MetricDef;
  valueLabel: string;
  /** Variables this one is narrowed by. */
  narrowedBy: VariableName[];
}

const sources: Record<VariableName, VariableSource> = {
  cluster: {
    label: 'Cluster',
    description: "Kafka cluster (the exporter's and the relabelled broker series' cluster label)",
    metric: exporterMetrics.exporterUp,
    valueLabel: 'cluster',
    narrowedBy: [],
  },
  instance: {
    label: 'Broker instance',
    description: 'Broker metrics endpoint (scrape target of the broker /metrics)',
    metric: brokerMetrics.brokerState,
    valueLabel: 'instance',
    narrowedBy: ['cluster'],
  },
  broker: {
    label: 'Broker id',
    description: 'Broker id as the exporter reports it (log directories)',
    metric: exporterMetrics.brokerInfo,
    valueLabel: 'id',
    narrowedBy: ['cluster'],
  },
  topic: {
    label: 'Topic',
    description: 'Topic',
    metric: exporterMetrics.topicPartitions,
    valueLabel: 'topic',
    narrowedBy: ['cluster'],
  },
  consumergroup: {
    label: 'Consumer group',
    description: 'Consumer group',
    metric: exporterMetrics.consumerGroupLagSum,
    valueLabel: 'consumergroup',
    narrowedBy: ['cluster', 'topic'],
  },
};

/** The selector behind a variable's `label_values(...)` query. */
export function variableSelector(name: VariableName): string {
  const src = sources[name];
  const where = Object.fromEntries(src.narrowedBy.map((v) => [v, ['=~', `$${v}`] as const]));
  return sel(src.metric, { filter: false, where });
}

export function variableQuery(name: VariableName): string {
  return `label_values(${variableSelector(name)}, ${sources[name].valueLabel})`;
}

export function buildVariables(names: readonly VariableName[]): VariableModel[] {
  const out: VariableModel[] = [
    new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus').build(),
  ];
  for (const name of names) {
    const src = sources[name];
    const query = variableQuery(name);
    out.push(
      new QueryVariableBuilder(name)
        .label(src.label)
        .description(src.description)
        .datasource(datasourceRef)
        .query(query)
        .definition(query)
        .multi(true)
        .includeAll(true)
        .allValue('.*')
        .current({ selected: true, text: ['All'], value: ['$__all'] })
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .build(),
    );
  }
  return out;
}
