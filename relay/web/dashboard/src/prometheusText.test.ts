import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { metricByLabel, parsePrometheusText, sumMetric } from './prometheusText.ts';

// Text as prom-client writes it (exposition format 0.0.4).
const exposition = `# HELP pet_relay_records_stored_total Records newly stored, by kind
# TYPE pet_relay_records_stored_total counter
pet_relay_records_stored_total{kind="sample"} 120
pet_relay_records_stored_total{kind="seal"} 4
# TYPE pet_relay_records_rejected_total counter
pet_relay_records_rejected_total{code="bad_signature"} 2
pet_relay_records_rejected_total{code="replay"} 0
pet_relay_records_rejected_total{code="bad_signature",relay="b"} 1
pet_relay_queue_depth 7
pet_relay_odd{text="a \\"quoted\\" value"} 1.5e3
pet_relay_inf +Inf
not a sample line
`;

test('reads names, labels and values, skipping comments and malformed lines', () => {
  const samples = parsePrometheusText(exposition);
  assert.is(samples.length, 8);
  assert.equal(samples[0], { name: 'pet_relay_records_stored_total', labels: { kind: 'sample' }, value: 120 });
  assert.equal(samples.find((sample) => sample.name === 'pet_relay_odd'), { name: 'pet_relay_odd', labels: { text: 'a "quoted" value' }, value: 1500 });
  assert.is(samples.find((sample) => sample.name === 'pet_relay_inf')!.value, Infinity);
});

test('sums across label sets, groups by a label, and tells an absent metric from zero', () => {
  const samples = parsePrometheusText(exposition);
  assert.is(sumMetric(samples, 'pet_relay_records_stored_total'), 124);
  assert.is(sumMetric(samples, 'pet_relay_fraud_flags_total'), undefined);
  const byCode = metricByLabel(samples, 'pet_relay_records_rejected_total', 'code');
  assert.equal([...byCode], [['bad_signature', 3], ['replay', 0]]);
});

test.run();
