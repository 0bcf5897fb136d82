// HotHistogram is exposed exactly as prom-client's own Histogram would be for the same observations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram, Registry } from 'prom-client';
import { HotHistogram } from './hot-histogram.ts';
import { LATENCY_BUCKETS } from './timings.ts';
import { parsePrometheusText } from '../../test/support/prometheus-text.ts';

const values = [0, 0.0004, 0.0005, 0.0007, 0.003, 0.003, 0.05, 0.4, 4.9, 5, 7, 120];

test('the same text as prom-client Histogram, labelled and not, every bucket boundary included', async () => {
  for (const label of [undefined, { name: 'origin', values: ['local', 'remote'] }]) {
    const ours = new Registry();
    const theirs = new Registry();
    const hot = new HotHistogram(ours, 'x_seconds', 'X.', LATENCY_BUCKETS, label);
    const reference = new Histogram({ name: 'x_seconds', help: 'X.', buckets: LATENCY_BUCKETS, labelNames: label ? [label.name] : [], registers: [theirs] });
    for (const value of label?.values ?? ['']) {
      if (label) reference.zero({ [label.name]: value });
      const observe = hot.observer(value);
      for (const v of value === 'remote' ? values.slice(3) : values) {
        observe(v);
        if (label) reference.observe({ [label.name]: value }, v);
        else reference.observe(v);
      }
    }
    const text = await ours.metrics();
    assert.equal(text, await theirs.metrics());
    parsePrometheusText(text);
    hot.reset();
    const zeroed = parsePrometheusText(await ours.metrics()).get('x_seconds')!.samples;
    assert.equal(zeroed.length, text.split('\n').filter((line) => line.startsWith('x_seconds')).length, 'every series still shown');
    assert.ok(zeroed.every((s) => s.value === 0), 'after reset');
  }
});

test('a label value not declared up front is refused, not silently made', () => {
  const hot = new HotHistogram(new Registry(), 'y_seconds', 'Y.', [1], { name: 'kind', values: ['a'] });
  assert.throws(() => hot.observer('b'), /no series "b"/);
});
