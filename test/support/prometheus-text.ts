/**
 * Test helper (not a test): a strict reader of the Prometheus text format 0.0.4, so a test
 * can say "/metrics parses" and read values out of it. Throws, naming the line, when a sample
 * belongs to no declared family (a histogram's are `_bucket` with `le`, `_sum`, `_count`), a
 * family is declared twice or after its samples, a line is malformed, or a histogram's buckets
 * are not cumulative up to `+Inf` = `_count`.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string | undefined;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<string>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const helps = new Map<string, string>();
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new Error('the exposition must end with a newline');
  lines.forEach((line, i) => {
    const fail = (why: string): never => {
      throw new Error(`line ${i + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line.trim() === '') return;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (!NAME.test(name)) fail('bad metric name');
      if (kind === 'HELP') {
        if (helps.has(name)) fail('HELP given twice');
        helps.set(name, rest);
        return;
      }
      if (!TYPES.has(rest)) fail('unknown type');
      if (families.has(name)) fail('family declared twice');
      families.set(name, { name, type: rest as MetricType, help: helps.get(name), samples: [] });
      return;
    }
    if (line.startsWith('#')) return;
    const sample = parseSample(line, fail);
    const family = familyOf(families, sample.name);
    if (!family) fail('sample of no declared family');
    if (family!.type === 'histogram' && sample.name === `${family!.name}_bucket` && sample.labels.le === undefined) fail('bucket without le');
    family!.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** The value of the sample `name` whose labels include `labels`; throws when there is none or several. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = familyOf(families, name);
  const matches = (family?.samples ?? []).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (matches.length !== 1) throw new Error(`${matches.length} samples of ${name} ${JSON.stringify(labels)}`);
  return matches[0]!.value;
}

function familyOf(families: Map<string, Family>, sampleName: string): Family | undefined {
  const exact = families.get(sampleName);
  if (exact && exact.type !== 'histogram') return exact;
  const suffix = /_(bucket|sum|count)$/.exec(sampleName);
  if (!suffix) return undefined;
  const family = families.get(sampleName.slice(0, -suffix[0].length));
  if (!family) return undefined;
  if (family.type === 'histogram') return family;
  if (family.type === 'summary' && suffix[1] !== 'bucket') return family;
  return undefined;
}

function parseSample(line: string, fail: (why: string) => never): Sample {
  const head = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
  if (!head) fail('bad sample name');
  const name = head![1]!;
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === '{') {
    at++;
    while (line[at] !== '}') {
      const label = /^([^=]*)="/.exec(line.slice(at));
      if (!label || !LABEL_NAME.test(label[1]!)) fail('bad label');
      at += label![0].length;
      let value = '';
      for (;;) {
        const c = line[at++];
        if (c === undefined) fail('unterminated label value');
        if (c === '"') break;
        if (c === '\\') {
          const e = line[at++];
          if (e === 'n') value += '\n';
          else if (e === '\\' || e === '"') value += e;
          else fail('bad escape in a label value');
        } else value += c;
      }
      if (label![1]! in labels) fail('label given twice');
      labels[label![1]!] = value;
      if (line[at] === ',') at++;
      else if (line[at] !== '}') fail('expected , or } after a label');
    }
    at++;
  }
  const rest = /^ (\S+)( -?\d+)?$/.exec(line.slice(at));
  if (!rest) fail('expected one space, a value and an optional timestamp');
  return { name, labels, value: parseValue(rest![1]!, fail) };
}

/** Go's ParseFloat, which Prometheus uses: decimal or exponent floats, and Inf/NaN in any case. */
function parseValue(text: string, fail: (why: string) => never): number {
  if (/^[+-]?inf$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) fail('bad value');
  return Number(text);
}

function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name.endsWith('_bucket')) entry.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value]);
    else if (s.name.endsWith('_count')) entry.count = s.value;
  }
  for (const [key, { buckets, count }] of series) {
    const where = `${family.name} ${key}`;
    if (buckets.at(-1)?.[0] !== Infinity) throw new Error(`${where}: no +Inf bucket last`);
    for (let i = 1; i < buckets.length; i++) {
      if (!(buckets[i]![0] > buckets[i - 1]![0]) || buckets[i]![1] < buckets[i - 1]![1]) throw new Error(`${where}: buckets not cumulative`);
    }
    if (buckets.at(-1)![1] !== count) throw new Error(`${where}: +Inf bucket is not _count`);
  }
}
