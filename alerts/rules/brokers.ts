// Broker liveness, controller, pauses, request handling (F5, F8 and request saturation).
import { brokerMetrics as bm } from '../../common/metrics/index.js';
import { dashboardUids } from '../../common/index.js';
import { cmd } from '../runbook-commands.js';
import { counter, gauge, TEST_CLUSTER } from '../schema/cases.js';
import { num } from '../schema/promql.js';
import type { RuleGroupSpec } from '../schema/types.js';
import { spoken, type RuleKit } from './common.js';

export function brokerRules({ s, t, k, w }: RuleKit): RuleGroupSpec {
  const brokerLabels = { cluster: TEST_CLUSTER, instance: k.brokerTarget.instance };
  const latencyReq = `request=~"${t.requestLatencyRequests}"`;
  const stall = `sum by (cluster, instance) (rate(${s.brokerSuffixed(bm.eventLoopDelay, '_sum')}[${w.pause}]))`;
  const stallRatio = w.pauseHold ? `max by (cluster, instance) (max_over_time(${stall}[${w.pauseHold}:]))` : stall;
  return {
    name: 'kafka-sre-brokers',
    file: 'kafka',
    records: [],
    alerts: [
      {
        alert: 'KafkaBrokerDown',
        expr: `${s.upBroker()} == 0`,
        for: '1m',
        severity: 'page',
        summary: 'Kafka broker {{ $labels.instance }} in cluster {{ $labels.cluster }} is down',
        description:
          'Prometheus has failed to scrape broker {{ $labels.instance }} (job {{ $labels.job }}) of cluster {{ $labels.cluster }} for more than 1 minute: the process is down, hung, or unreachable. Its partitions are led elsewhere or offline.',
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            "The broker's metrics endpoint has not answered a scrape for a minute. Usually the broker process died or was stopped; a long pause or a network fault between Prometheus and the broker look the same.",
          impact:
            'Partitions it led move to other replicas (short produce/fetch errors for clients); partitions whose only in-sync replica it was go offline. Replication factor drops by one for every partition it hosted, so URP and under-min-ISR alerts follow (they are inhibited while this fires).',
          queries: [`${s.upBroker()}`, `sum by (cluster) (${s.upBroker()})`],
          confirm: [
            cmd.clusterDescribe,
            cmd.kcatMetadata,
            cmd.brokerMetrics(
              '^kafka_server_kafkaserver_brokerstate',
              'broker state if the endpoint answers: 3 running, 7 shutting down',
            ),
          ],
          mitigation: [
            'Restart the broker process (systemd unit, pod, or `kafka-sre broker` for the reference cluster) and watch its log for the reason it stopped (out of disk, out of memory, fatal log error).',
            'If the host is gone, replace it with the same broker id and log directory, or reassign its partitions to the remaining brokers.',
            'After it rejoins, wait for under-replicated partitions to reach 0, then run a preferred leader election.',
          ],
          mitigationCommands: [cmd.electPreferred],
          escalate:
            'Escalate to the Kafka platform owner when the broker does not stay up after one restart, or when more than one broker is down (data availability at risk).',
        },
        cases: [
          {
            name: 'a broker unreachable for 10 minutes fires',
            series: [
              k.upBroker(
                gauge([
                  [1, 5],
                  [0, 10],
                ]),
              ),
            ],
            evalTime: '14m',
            fires: [k.brokerTarget],
          },
          {
            name: 'a single failed scrape does not fire',
            series: [
              k.upBroker(
                gauge([
                  [1, 3],
                  [0, 1],
                  [1, 6],
                ]),
              ),
            ],
            evalTime: '5m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaBrokerFenced',
        expr: `max by (cluster) (${s.broker(bm.fencedBrokerCount)}) > 0`,
        for: '1m',
        severity: 'page',
        summary: 'Cluster {{ $labels.cluster }} has {{ $value }} fenced broker(s)',
        description:
          'The active controller of cluster {{ $labels.cluster }} has fenced {{ $value }} registered broker(s) for more than 1 minute: they stopped heartbeating to the controller quorum. Their partitions are led elsewhere and their replicas leave the ISR, even if their processes still answer scrapes.',
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            'FencedBrokerCount of the active controller: brokers that are registered but missed their session timeout, so the controller took their leaderships away. A broker cut off from the controller listeners (network isolation) or stalled longer than the session timeout is fenced while its metrics endpoint may still look healthy, which is why KafkaBrokerDown alone does not catch it.',
          impact:
            'Like a down broker for the cluster: its partitions are led by other replicas and under-replicated until it is unfenced; clients connected to it get NOT_LEADER_OR_FOLLOWER errors and move on.',
          queries: [`${s.broker(bm.fencedBrokerCount)}`, `${s.broker(bm.activeBrokerCount)}`],
          confirm: [
            cmd.clusterDescribe,
            cmd.brokerMetrics(
              '^kafka_controller_kafkacontroller_(fenced|active)brokercount',
              'fenced and active broker counts on the active controller',
            ),
          ],
          mitigation: [
            'Find the fenced broker (cluster describe lists it) and check that its process runs and is not stalled (KafkaBrokerPaused).',
            'Check the network between it and the controller quorum (controller listener ports, firewalls, packet loss); a broker that can reach clients but not the controllers stays fenced.',
            'Once it heartbeats again it is unfenced on its own; then wait for under-replicated partitions to reach 0 and run a preferred leader election.',
          ],
          mitigationCommands: [cmd.electPreferred],
          escalate:
            'Escalate to the Kafka platform owner when a broker stays fenced for more than 10 minutes or more than one broker is fenced.',
        },
        cases: [
          {
            name: 'the controller reporting a fenced broker for 5 minutes fires',
            series: [
              k.b(
                bm.fencedBrokerCount.name,
                {},
                gauge([
                  [0, 3],
                  [1, 8],
                ]),
              ),
            ],
            evalTime: '10m',
            fires: [{ cluster: TEST_CLUSTER }],
          },
          {
            name: 'no fenced broker does not fire',
            series: [k.b(bm.fencedBrokerCount.name, {}, gauge([[0, 10]]))],
            evalTime: '10m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaNoActiveController',
        expr: `sum by (cluster) (${s.broker(bm.activeControllerCount)}) != 1`,
        for: '1m',
        severity: 'page',
        summary: 'Cluster {{ $labels.cluster }} has {{ $value }} active controllers',
        description:
          'Exactly one broker of cluster {{ $labels.cluster }} must report ActiveControllerCount=1; the sum is {{ $value }}. Without a controller, leader elections, topic changes and ISR updates stall; with two, metadata may diverge.',
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            'The sum of kafka_controller_kafkacontroller_activecontrollercount over the cluster is not 1. 0 means no node holds the controller role (quorum lost or controller crashed); 2 or more means a split brain or stale metrics from a fenced node.',
          impact:
            'No leader elections happen: partitions whose leader dies stay offline, topic creation and configuration changes hang, ISR changes are not recorded.',
          queries: [`${s.broker(bm.activeControllerCount)}`, `${s.broker(bm.raftCurrentLeader)}`],
          confirm: [
            cmd.clusterDescribe,
            cmd.brokerMetrics(
              '^kafka_(controller_kafkacontroller_activecontrollercount|server_raftmetrics_current_(leader|state|epoch))',
              'controller flag and Raft leader/state/epoch on this node',
            ),
          ],
          mitigation: [
            'Check that a majority of the controller quorum is running; start missing controllers first.',
            'If a controller is running but not elected, look at its log for Raft errors (epoch fencing, unreachable voters) and network faults between controllers.',
            'With 2 active controllers, restart the one with the lower Raft epoch.',
          ],
          escalate:
            'Page the Kafka platform owner at once if the controller does not come back within 5 minutes: every further broker failure now makes partitions offline.',
        },
        cases: [
          {
            name: 'no broker reporting the controller role fires',
            series: [
              k.b(bm.activeControllerCount.name, {}, gauge([[0, 10]])),
              k.b(bm.activeControllerCount.name, { instance: 'broker-2:7071' }, gauge([[0, 10]])),
            ],
            evalTime: '5m',
            fires: [{ cluster: TEST_CLUSTER }],
          },
          {
            name: 'two active controllers fire',
            series: [
              k.b(bm.activeControllerCount.name, {}, gauge([[1, 10]])),
              k.b(bm.activeControllerCount.name, { instance: 'broker-2:7071' }, gauge([[1, 10]])),
            ],
            evalTime: '5m',
            fires: [{ cluster: TEST_CLUSTER }],
          },
          {
            name: 'exactly one active controller does not fire',
            series: [
              k.b(bm.activeControllerCount.name, {}, gauge([[1, 10]])),
              k.b(bm.activeControllerCount.name, { instance: 'broker-2:7071' }, gauge([[0, 10]])),
            ],
            evalTime: '5m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaBrokerPaused',
        expr: [
          `(max by (cluster, instance) (${s.broker(bm.eventLoopDelay, 'quantile="0.99"')}) > ${num(t.pauseP99Seconds)})`,
          `(max by (cluster, instance) (${s.broker(bm.eventLoopDelayMax)}) > ${num(t.pauseMaxSeconds)})`,
          // Total event-loop lateness per second: unlike the per-scrape max above, a counter keeps a
          // pause that the process served to a timed-out scrape (SIGSTOP, a long GC) visible.
          `(${stallRatio} > ${num(t.pauseStallRatio)})`,
          `(sum by (cluster, instance) (rate(${s.brokerSuffixed(bm.gcPauseSeconds, '_sum')}[${w.rate}])) > ${num(t.gcTimeRatio)})`,
          `(sum by (cluster, instance) (rate(${s.brokerAlt('jvm_gc_collection_seconds_sum')}[${w.rate}])) > ${num(t.gcTimeRatio)})`,
        ].join('\nor on (cluster, instance)\n'),
        for: '2m',
        severity: 'ticket',
        summary: 'Kafka broker {{ $labels.instance }} in cluster {{ $labels.cluster }} is pausing',
        description: `Broker {{ $labels.instance }} of cluster {{ $labels.cluster }} stalls: pause signal {{ $value | humanize }} (p99 event-loop delay above ${t.pauseP99Seconds} s, a single pause above ${t.pauseMaxSeconds} s, the event loop stalled more than ${num(t.pauseStallRatio * 100)}% of ${spoken(w.pause)}, or more than ${num(t.gcTimeRatio * 100)}% of the time in GC). Requests on it wait, followers fall out of ISR.`,
        dashboard: dashboardUids.debug,
        runbook: {
          meaning:
            'The broker stops serving for long stretches: the reference broker reports Node event-loop delay and GC pauses; a JVM broker reports GC time through jvm_gc_collection_seconds. Either source fires this alert. A pause shorter than the broker session timeout raises only this alert (the broker stays registered); a longer one gets the broker fenced: KafkaBrokerDown (scrapes fail) and KafkaUnderReplicatedPartitions fire as well.',
          impact:
            'Request latency spikes for every client of this broker; followers on it miss replica.lag.time.max.ms and drop out of ISR; session timeouts can trigger consumer rebalances.',
          queries: [
            `${s.broker(bm.eventLoopDelay, 'quantile="0.99"')}`,
            `rate(${s.brokerSuffixed(bm.gcPauseSeconds, '_sum')}[5m])`,
            `rate(${s.brokerAlt('jvm_gc_collection_seconds_sum')}[5m])`,
          ],
          confirm: [
            cmd.brokerMetrics(
              '^(kafka_sre_broker_(eventloop_delay|gc_pause)|jvm_gc_collection_seconds)',
              'pause and GC series on this broker',
            ),
            cmd.clusterDescribe,
          ],
          mitigation: [
            'Look for memory pressure: heap close to its limit, a burst of large batches, many partitions per broker.',
            'For a JVM broker, check GC logs and heap size; for the reference broker, check the Node heap (--max-old-space-size) and CPU steal on the host.',
            'Move leadership away from the broker (preferred leader election after reassigning) if pauses persist, then restart it during a quiet period.',
          ],
          escalate:
            'Escalate when pauses cause under-replicated partitions or request latency alerts for more than 30 minutes.',
        },
        cases: [
          {
            name: 'a p99 event-loop delay of 0.5 s fires',
            series: [k.b(bm.eventLoopDelay.name, { quantile: '0.99' }, gauge([[0.5, 15]]))],
            evalTime: '10m',
            fires: [brokerLabels],
          },
          {
            name: 'an event loop stalled 20% of the time fires',
            series: [k.b(`${bm.eventLoopDelay.name}_sum`, {}, counter([[12, 20]]))],
            evalTime: '15m',
            fires: [brokerLabels],
          },
          {
            name: 'Node GC pauses taking 20% of the time fire',
            series: [k.b(`${bm.gcPauseSeconds.name}_sum`, { kind: 'major' }, counter([[12, 20]]))],
            evalTime: '15m',
            fires: [brokerLabels],
          },
          {
            name: 'JVM GC taking 20% of the time fires',
            series: [k.b('jvm_gc_collection_seconds_sum', { gc: 'G1 Young Generation' }, counter([[12, 20]]))],
            evalTime: '15m',
            fires: [brokerLabels],
          },
          {
            name: 'short event-loop delays and little GC do not fire',
            series: [
              k.b(bm.eventLoopDelay.name, { quantile: '0.99' }, gauge([[0.05, 15]])),
              k.b(bm.eventLoopDelayMax.name, {}, gauge([[0.3, 15]])),
              k.b(`${bm.eventLoopDelay.name}_sum`, {}, counter([[0.6, 20]])),
              k.b('jvm_gc_collection_seconds_sum', { gc: 'G1 Young Generation' }, counter([[0.6, 20]])),
            ],
            evalTime: '15m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaRequestHandlerSaturated',
        expr: `avg by (cluster, instance) (${s.broker(bm.requestHandlerIdle)}) < ${num(t.requestHandlerIdleRatio)}`,
        for: '10m',
        severity: 'ticket',
        summary: 'Request handlers of broker {{ $labels.instance }} in cluster {{ $labels.cluster }} are saturated',
        description: `Request handler threads of broker {{ $labels.instance }} (cluster {{ $labels.cluster }}) are idle only {{ $value | humanizePercentage }} of the time (threshold ${num(t.requestHandlerIdleRatio * 100)}%). Requests queue and latency grows.`,
        dashboard: dashboardUids.debug,
        runbook: {
          meaning:
            "RequestHandlerAvgIdlePercent is the share of time the broker's request handler pool waits for work. Below 20% the pool is the bottleneck.",
          impact:
            'Requests wait in the request queue: produce and fetch latency rise for every client of the broker, and follower fetches slow down (ISR shrinks).',
          queries: [
            `${s.broker(bm.requestHandlerIdle)}`,
            `${s.broker(bm.requestQueueSize)}`,
            `sum by (instance, request) (rate(${s.broker(bm.requests)}[5m]))`,
          ],
          confirm: [
            cmd.brokerMetrics(
              '^kafka_(server_kafkarequesthandlerpool|network_requestchannel_requestqueuesize|network_socketserver_networkprocessoravgidle)',
              'handler idle, request queue depth and network processor idle',
            ),
          ],
          mitigation: [
            'Find the request type driving the load (requests per second by `request`); a client with tiny batches or an aggressive fetch loop is common.',
            'Spread leadership more evenly (preferred leader election) if one broker leads more than its share.',
            'Increase num.io.threads, or add brokers and reassign partitions, when the load is legitimate.',
          ],
          mitigationCommands: [cmd.electPreferred],
          escalate:
            'Escalate when latency SLOs burn or saturation persists for more than an hour after client-side fixes.',
        },
        cases: [
          {
            name: 'handlers idle 10% of the time for 20 minutes fires',
            series: [k.b(bm.requestHandlerIdle.name, {}, gauge([[0.1, 25]]))],
            evalTime: '20m',
            fires: [brokerLabels],
          },
          {
            name: 'handlers idle 30% of the time does not fire',
            series: [k.b(bm.requestHandlerIdle.name, {}, gauge([[0.3, 25]]))],
            evalTime: '20m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaRequestLatencyHigh',
        expr: [
          `max by (cluster, instance, request) (${s.broker(bm.totalTimeMs, latencyReq, `quantile="${t.requestLatencyQuantile}"`)}) > ${num(t.requestLatencyMs)}`,
          `and on (cluster, instance, request)`,
          `sum by (cluster, instance, request) ${s.brokerCountRate(bm.totalTimeMs, w.rate, latencyReq)} > ${num(t.requestLatencyMinRate)}`,
        ].join('\n'),
        for: '10m',
        severity: 'ticket',
        summary:
          '{{ $labels.request }} latency on broker {{ $labels.instance }} in cluster {{ $labels.cluster }} is {{ $value | humanize }} ms',
        description: `The p${Number(t.requestLatencyQuantile) * 100} total time of {{ $labels.request }} requests on broker {{ $labels.instance }} (cluster {{ $labels.cluster }}) is {{ $value | humanize }} ms, above ${t.requestLatencyMs} ms for 10 minutes.`,
        dashboard: dashboardUids.debug,
        runbook: {
          meaning:
            'TotalTimeMs at the configured quantile is above the threshold for a request type with traffic. TotalTime = request queue + local + remote (waiting for followers with acks=all) + response queue + send.',
          impact:
            'Producers see slow acknowledgements and may time out or pile up in-flight batches; end-to-end latency SLOs burn.',
          queries: [
            `${s.broker(bm.totalTimeMs, latencyReq)}`,
            `${s.broker(bm.requestQueueTimeMs, latencyReq)}`,
            `${s.broker(bm.remoteTimeMs, latencyReq)}`,
            `${s.broker(bm.localTimeMs, latencyReq)}`,
          ],
          confirm: [
            cmd.brokerMetrics(
              '^kafka_network_requestmetrics_(totaltimems|requestqueuetimems|localtimems|remotetimems|responsequeuetimems)\\{request="Produce"',
              'which phase of Produce dominates',
            ),
            cmd.clusterDescribe,
          ],
          mitigation: [
            'Remote time high: a slow follower (network, disk, pauses) holds acks=all; look at ISR shrinks and KafkaBrokerPaused on the followers.',
            'Request queue time high: handler saturation (see KafkaRequestHandlerSaturated).',
            'Local time high: slow disk on the leader; check disk latency and log flush times.',
          ],
          escalate:
            'Escalate when the end-to-end latency SLO is burning (KafkaSLOBudgetBurnFast) or latency stays high for an hour.',
        },
        cases: [
          {
            name: 'Produce p99 of 800 ms with jmx_exporter 1.x _count_total fires',
            series: [
              k.b(bm.totalTimeMs.name, { request: 'Produce', quantile: t.requestLatencyQuantile }, gauge([[800, 25]])),
              k.b(`${bm.totalTimeMs.name}_count_total`, { request: 'Produce' }, counter([[60, 25]])),
            ],
            evalTime: '20m',
            fires: [{ ...brokerLabels, request: 'Produce' }],
          },
          {
            name: 'Produce p99 of 800 ms with the classic _count fires',
            series: [
              k.b(bm.totalTimeMs.name, { request: 'Produce', quantile: t.requestLatencyQuantile }, gauge([[800, 25]])),
              k.b(`${bm.totalTimeMs.name}_count`, { request: 'Produce' }, counter([[60, 25]])),
            ],
            evalTime: '20m',
            fires: [{ ...brokerLabels, request: 'Produce' }],
          },
          {
            name: 'Produce p99 of 300 ms does not fire',
            series: [
              k.b(bm.totalTimeMs.name, { request: 'Produce', quantile: t.requestLatencyQuantile }, gauge([[300, 25]])),
              k.b(`${bm.totalTimeMs.name}_count`, { request: 'Produce' }, counter([[60, 25]])),
            ],
            evalTime: '20m',
            fires: [],
          },
          {
            name: 'a slow p99 without traffic does not fire',
            series: [
              k.b(bm.totalTimeMs.name, { request: 'Produce', quantile: t.requestLatencyQuantile }, gauge([[800, 25]])),
              k.b(`${bm.totalTimeMs.name}_count`, { request: 'Produce' }, counter([[0, 25]])),
            ],
            evalTime: '20m',
            fires: [],
          },
        ],
      },
    ],
  };
}
