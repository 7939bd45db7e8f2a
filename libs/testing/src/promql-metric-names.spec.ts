import { metricNamesIn, ruleExpressions } from './promql-metric-names';

describe('metricNamesIn', () => {
  it('given a selector with matchers, a range and a function, when read, then names only the metric', () => {
    expect(metricNamesIn('sum by (queue, code) (increase(consumer_dead_letters_total{code!="x"}[10m])) > 0')).toEqual([
      'consumer_dead_letters_total',
    ]);
  });

  it('given binary operators, offsets and bare selectors, when read, then names each metric once', () => {
    const expression = `sum by (queue) (a_total) unless sum by (queue) (a_total offset 10m)
      or max by (producer, queue) (relay_lag_events) > 0 and on (producer) deriv(relay_lag_events[5m]) > 1e3`;
    expect(metricNamesIn(expression)).toEqual(['a_total', 'relay_lag_events']);
  });

  it('given strings that look like metrics, label names and keywords, when read, then names none of them', () => {
    expect(metricNamesIn('up{job="rabbitmq", instance=~"sum(x)"} == bool 0')).toEqual(['up']);
    expect(metricNamesIn('max without (instance) (leader_election_stalled) == 1')).toEqual(['leader_election_stalled']);
  });

  it('given a histogram quantile over a rate, when read, then names the bucket series', () => {
    expect(metricNamesIn('histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))')).toEqual([
      'http_request_duration_seconds_bucket',
    ]);
  });

  it('given a __name__ matcher, when read, then names that metric', () => {
    expect(metricNamesIn('{__name__="relay_is_leader", producer="x"}')).toEqual(['relay_is_leader']);
  });
});

describe('ruleExpressions', () => {
  it('given plain, quoted and block expressions, when read, then answers each expression', () => {
    const file = [
      'groups:',
      '  - name: g',
      '    rules:',
      '      - alert: A',
      '        expr: up == 0',
      '        for: 1m',
      '      - alert: B',
      '        expr: |',
      '          sum(a_total)',
      '            or',
      '          sum(b_total)',
      '        for: 1m',
      "      - expr: 'max(c{job=''x''})'",
      '        record: job:c:max',
    ].join('\n');
    expect(ruleExpressions(file)).toEqual(['up == 0', 'sum(a_total)\nor\nsum(b_total)', "max(c{job='x'})"]);
  });
});
