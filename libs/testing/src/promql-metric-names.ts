/**
 * The metric names a PromQL expression reads, for checking rules and dashboards against what the
 * services export. Strings, label matchers, durations and grouping label lists are blanked first;
 * an identifier then names a metric unless it is a keyword or is called like a function.
 */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'inf',
  'nan',
  'atan2',
  // Aggregations may take their `by (…)` before the parenthesis: `sum by (queue) (…)`.
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
]);

export function metricNamesIn(expression: string): string[] {
  const names = new Set<string>();
  let text = expression
    // `{__name__="x"}` names a metric inside a matcher: take it before matchers are blanked.
    .replace(/__name__\s*=\s*"([a-zA-Z_:][a-zA-Z0-9_:]*)"/g, (_, name: string) => (names.add(name), ''))
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/#[^\n]*/g, '')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1');
  // Durations (`offset 10m`) and numbers (`1e3`) start with a digit, so the identifier pattern skips them.
  text = text.replace(/\b\d[\w.]*/g, '0');
  for (const match of text.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = match[0];
    const rest = text.slice(match.index + name.length);
    if (KEYWORDS.has(name)) continue;
    if (/^\s*\(/.test(rest)) continue; // a function call
    names.add(name);
  }
  return [...names].sort();
}

/**
 * The `expr` of every rule in a Prometheus rule file: plain or quoted on one line, or a `|` / `>`
 * block (the forms deploy/prometheus/alerts.yml uses), without a YAML library.
 */
export function ruleExpressions(ruleFile: string): string[] {
  const lines = ruleFile.split('\n');
  const expressions: string[] = [];
  lines.forEach((line, index) => {
    const match = /^(\s*)(?:-\s+)?expr:\s*(.*)$/.exec(line);
    if (!match) return;
    const value = match[2].trim();
    if (/^[|>][-+]?$/.test(value)) {
      const block: string[] = [];
      for (const next of lines.slice(index + 1)) {
        if (next.trim() !== '' && indentOf(next) <= match[1].length) break;
        block.push(next.trim());
      }
      expressions.push(block.join('\n').trim());
    } else if (/^'.*'$/.test(value)) expressions.push(value.slice(1, -1).replace(/''/g, "'"));
    else if (/^".*"$/.test(value)) expressions.push(JSON.parse(value) as string);
    else expressions.push(value);
  });
  return expressions;
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
