import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

describe('parseConfig', () => {
  it('defaults to SQLite, no Redis and no trusted proxy', () => {
    const config = parseConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.TRUST_PROXY).toBe(false);
  });

  it('accepts PostgreSQL and Redis URLs', () => {
    const config = parseConfig({
      DATABASE_URL: 'postgres://attune@db.internal:5432/attune?options=-c%20search_path%3Dattune',
      REDIS_URL: 'rediss://cache.internal:6380/0',
    });
    expect(config.DATABASE_URL).toBe('postgres://attune@db.internal:5432/attune?options=-c%20search_path%3Dattune');
    expect(config.REDIS_URL).toBe('rediss://cache.internal:6380/0');
    expect(parseConfig({ DATABASE_URL: 'postgresql://localhost/attune' }).DATABASE_URL).toBe('postgresql://localhost/attune');
  });

  it('refuses URLs of the wrong kind, naming every bad setting', () => {
    expect(() => parseConfig({ DATABASE_URL: 'mysql://localhost/attune', REDIS_URL: 'localhost:6379' })).toThrow(
      /DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL\n {2}REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/,
    );
  });

  it.each([
    ['true', true],
    ['false', false],
    ['1', 1],
    ['loopback', 'loopback'],
    ['127.0.0.1, 10.0.0.0/8', '127.0.0.1, 10.0.0.0/8'],
    ['::1,fd00::/8,192.168.0.0/255.255.0.0', '::1,fd00::/8,192.168.0.0/255.255.0.0'],
  ])('reads TRUST_PROXY=%s as Express takes it', (value, expected) => {
    expect(parseConfig({ TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected);
  });

  it.each(['yes', '10.0.0.0/33', 'nginx.internal', '', '10.0.0.1/ffff::'])('refuses TRUST_PROXY=%j', (value) => {
    expect(() => parseConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY: must be true, false, a hop count/);
  });
});

describe('after-class settings', () => {
  it('default to a 30-minute feedback window and 90 days of raw flags', () => {
    const config = parseConfig({});
    expect(config.FEEDBACK_WINDOW_MINUTES).toBe(30);
    expect(config.RETENTION_DAYS).toBe(90);
    expect(config.MAX_PARTICIPANTS_PER_CLASS).toBe(300);
  });

  it('take other values, and refuse none or a negative one', () => {
    expect(parseConfig({ FEEDBACK_WINDOW_MINUTES: '0.5', RETENTION_DAYS: '30' })).toMatchObject({ FEEDBACK_WINDOW_MINUTES: 0.5, RETENTION_DAYS: 30 });
    expect(() => parseConfig({ FEEDBACK_WINDOW_MINUTES: '0', RETENTION_DAYS: '-1' })).toThrow(/FEEDBACK_WINDOW_MINUTES[\s\S]*RETENTION_DAYS/);
  });
});

describe('password hashing', () => {
  it('is at the real cost unless a test server asks for the test-only one by name', () => {
    expect(parseConfig({}).PASSWORD_HASHING).toBe('standard');
    expect(parseConfig({ PASSWORD_HASHING: 'test-only-fast' }).PASSWORD_HASHING).toBe('test-only-fast');
    expect(() => parseConfig({ PASSWORD_HASHING: 'fast' })).toThrow(/PASSWORD_HASHING/);
  });
});
