/**
 * prom-client's process and Node.js metrics (CPU, memory, file descriptors, GC, event-loop
 * lag), shown on every core's /metrics. They describe the process, not a core, so they are
 * collected once per process in a registry of their own (never prom-client's global one):
 * their collectors cannot be stopped, and a process holding several cores (tests) would
 * otherwise run one set per core and report the same process several times. Created with the
 * first HTTP handler, so the event-loop delay is sampled from then on, not from the first scrape.
 *
 * Unprefixed (`process_cpu_seconds_total`, `nodejs_eventloop_lag_p99_seconds`): these are the
 * names every Node.js exporter uses and ready-made Grafana dashboards query; the job and
 * instance labels Prometheus adds say whose process it is.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';

let registry: Registry | undefined;

export function processMetrics(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
