import { parseCliArguments } from './cli-arguments';
import { CliError } from './ops-client';

describe('parseCliArguments', () => {
  it('reads a bulk replay by filters', () => {
    expect(parseCliArguments(['replay', '--queue', 'fraud.account-events', '--code', 'X', '--chunk', '100', '--json'])).toMatchObject({
      command: 'replay',
      positionals: [],
      queue: 'fraud.account-events',
      code: 'X',
      chunk: 100,
      json: true,
      all: false,
    });
  });

  it('keeps an empty --type (messages without a type) apart from no --type', () => {
    expect(parseCliArguments(['list', '--type', '']).type).toBe('');
    expect(parseCliArguments(['list']).type).toBeUndefined();
  });

  it('reads positional ids and a rewind position', () => {
    expect(parseCliArguments(['replay', '4', '5'])).toMatchObject({ positionals: ['4', '5'], chunk: 500 });
    expect(parseCliArguments(['rewind', 'fraud.account-events', '--to', '0'])).toMatchObject({
      positionals: ['fraud.account-events'],
      to: 0,
    });
  });

  it('reads a consumer registration: start position, types, backfill pace, and a confirmed removal', () => {
    expect(
      parseCliArguments([
        'consumers',
        'add',
        'bi.account-events',
        '--from',
        '0',
        '--types',
        'AccountOpened, LimitUpdated',
        '--rate',
        '2000',
      ]),
    ).toMatchObject({
      command: 'consumers',
      positionals: ['add', 'bi.account-events'],
      from: '0',
      types: ['AccountOpened', 'LimitUpdated'],
      rate: 2000,
      yes: false,
      detach: false,
    });
    expect(parseCliArguments(['consumers', 'remove', 'bi.account-events', '--yes'])).toMatchObject({ yes: true });
    expect(() => parseCliArguments(['consumers', 'add', 'bi.account-events', '--rate', '0'])).toThrow(CliError);
  });

  it('defaults to help', () => {
    expect(parseCliArguments([]).command).toBe('help');
  });

  it.each([[['list', '--bogus']], [['list', '--limit', '0']], [['rewind', 'q', '--to', '-1']], [['replay', '--chunk', 'x']]])(
    'treats %j as a usage error (exit 2)',
    (argv) => {
      expect(() => parseCliArguments(argv)).toThrow(CliError);
      try {
        parseCliArguments(argv);
      } catch (error) {
        expect((error as CliError).exitCode).toBe(2);
      }
    },
  );
});
