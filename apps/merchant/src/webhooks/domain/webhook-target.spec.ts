import { addressKind, addressProblem, TargetPolicy, webhookUrlProblem } from './webhook-target';

const production: TargetPolicy = { development: false, platformPorts: new Set([3002, 5432]) };
const development: TargetPolicy = { ...production, development: true };

describe('webhook URL guard', () => {
  it('given production mode, when an https URL to a public host is registered, then it passes', () => {
    expect(webhookUrlProblem('https://shop.example/hooks', production)).toBeUndefined();
    expect(webhookUrlProblem('https://93.184.216.34:8443/hooks', production)).toBeUndefined();
  });

  it('given production mode, when the URL is plain http, even to loopback, then it is refused', () => {
    expect(webhookUrlProblem('http://shop.example/hooks', production)).toMatch(/only https/);
    expect(webhookUrlProblem('http://127.0.0.1:8080/hooks', production)).toMatch(/only https/);
  });

  it('given development mode, when plain http goes to loopback, then it passes, and elsewhere it is refused', () => {
    expect(webhookUrlProblem('http://127.0.0.1:8080/hooks', development)).toBeUndefined();
    expect(webhookUrlProblem('http://localhost:8080/hooks', development)).toBeUndefined();
    expect(webhookUrlProblem('http://[::1]:8080/hooks', development)).toBeUndefined();
    expect(webhookUrlProblem('http://shop.example/hooks', development)).toMatch(/only to loopback/);
  });

  it('given production mode, when the host is a loopback, private or link-local address, then it is refused', () => {
    for (const host of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '[::1]',
      '[fd00::1]',
      '[fe80::1]',
      '[::ffff:10.0.0.1]',
      'localhost',
    ])
      expect(webhookUrlProblem(`https://${host}/hooks`, production)).toMatch(/(loopback|private) address/);
  });

  it('given either mode, when the URL names a platform port on loopback, then it is refused', () => {
    expect(webhookUrlProblem('http://127.0.0.1:3002/merchants', development)).toMatch(/belongs to the platform/);
    expect(webhookUrlProblem('http://localhost:5432/', development)).toMatch(/belongs to the platform/);
    expect(addressProblem('127.0.0.1', 3002, production)).toMatch(/loopback address/);
  });

  it('given a URL over 2,048 characters, credentials, another scheme or no URL at all, then it is refused with the reason', () => {
    expect(webhookUrlProblem(`https://shop.example/${'a'.repeat(2_030)}`, production)).toMatch(/longer than 2048/);
    expect(webhookUrlProblem('https://user:pw@shop.example/', production)).toMatch(/credentials/);
    expect(webhookUrlProblem('ftp://shop.example/', production)).toMatch(/only https/);
    expect(webhookUrlProblem('not a url', production)).toMatch(/does not parse/);
  });

  it('given addresses, then each is classified by its range', () => {
    expect(addressKind('8.8.8.8')).toBe('public');
    expect(addressKind('2606:4700::1111')).toBe('public');
    expect(addressKind('127.0.0.53')).toBe('loopback');
    expect(addressKind('172.31.255.255')).toBe('private');
    expect(addressKind('172.32.0.1')).toBe('public');
    expect(addressKind('0.0.0.0')).toBe('unusable');
    expect(addressKind('224.0.0.1')).toBe('unusable');
    expect(addressKind('::')).toBe('unusable');
  });
});
