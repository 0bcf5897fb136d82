/** A usage answer as the API gives it (design.md), for element tests that only draw figures. */
import type { Counts, Usage, UsagePoint } from '../../src/dashboard/api.ts';

export function usageOf(hours: number, at: (i: number) => Partial<Counts>, start = Date.parse('2026-11-24T11:00:00.000Z')): Usage {
  const series: UsagePoint[] = Array.from({ length: hours }, (_, i) => ({
    start: new Date(start + i * 3_600_000).toISOString(),
    pubSubMessageCount: 0,
    pubSubBandwidth: 0,
    conversationCreateCount: 0,
    commentCount: 0,
    peakConnections: 0,
    ...at(i),
  }));
  const sum = (k: keyof Counts) => series.reduce((a, p) => a + p[k], 0);
  return {
    tenant: 'acme',
    from: series[0]?.start ?? new Date(start).toISOString(),
    to: new Date(start + hours * 3_600_000).toISOString(),
    granularity: 'hour',
    totals: {
      pubSubMessageCount: sum('pubSubMessageCount'),
      pubSubBandwidth: sum('pubSubBandwidth'),
      conversationCreateCount: sum('conversationCreateCount'),
      commentCount: sum('commentCount'),
      peakConnections: Math.max(0, ...series.map((p) => p.peakConnections)),
    },
    series,
    connections: 2,
    conversations: 5,
  };
}
