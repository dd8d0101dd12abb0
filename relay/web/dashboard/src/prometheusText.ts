/**
 * Reads the Prometheus text exposition format (version 0.0.4) that the relay serves at /metrics, enough for the
 * status view: `name{label="value",…} number` lines; comments and malformed lines are skipped.
 */

/** One sample line. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const samplePattern = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/;
const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses exposition text into samples. */
export function parsePrometheusText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = samplePattern.exec(line);
    if (match === null) continue;
    const value = parseSampleValue(match[4]!);
    if (value === undefined) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[3] ?? '').matchAll(labelPattern)) {
      labels[label[1]!] = label[2]!.replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
    }
    samples.push({ name: match[1]!, labels, value });
  }
  return samples;
}

function parseSampleValue(text: string): number | undefined {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  const value = Number(text);
  return Number.isNaN(value) && text !== 'NaN' ? undefined : value;
}

/** Sum of every sample of `name` (across label sets), or undefined when the metric is absent. */
export function sumMetric(samples: readonly MetricSample[], name: string): number | undefined {
  const matching = samples.filter((sample) => sample.name === name);
  return matching.length === 0 ? undefined : matching.reduce((total, sample) => total + sample.value, 0);
}

/** Sums of `name` grouped by one label's value, e.g. rejections by `code`. */
export function metricByLabel(samples: readonly MetricSample[], name: string, label: string): Map<string, number> {
  const groups = new Map<string, number>();
  for (const sample of samples) {
    if (sample.name !== name) continue;
    const key = sample.labels[label] ?? '';
    groups.set(key, (groups.get(key) ?? 0) + sample.value);
  }
  return groups;
}
