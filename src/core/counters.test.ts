import { LocalCounters } from './counters.ts';
import { countersConformance } from '../bus/conformance/counters-conformance.ts';

// One process is one node: both "nodes" are the same counters.
countersConformance('local', async () => {
  const counters = new LocalCounters();
  return { nodes: [counters, counters], close: () => counters.close() };
});
