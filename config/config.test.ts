import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, SETTINGS, loadConfig, parseDuration } from './index';

describe('configuration', () => {
  it('.env.example lists every setting with its default, and nothing else', () => {
    const example = readFileSync(join(__dirname, '..', '.env.example'), 'utf8');
    const listed = Object.fromEntries(
      example.split('\n').filter((line) => /^[A-Z_]+=/.test(line)).map((line) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]),
    );
    expect(listed).toEqual(Object.fromEntries(Object.entries(SETTINGS).map(([name, s]) => [name, s.default])));
  });

  it('the defaults are valid', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.REOPEN_WINDOW).toBe(14 * 24 * 3600 * 1000);
    expect(config.DATABASE_URL).toBeNull();
  });

  it('reports every problem at once, by name', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SECRET_KEY: 'short', REOPEN_WINDOW: '2 weeks' });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const { problems } = error as ConfigError;
      expect(problems).toHaveLength(4);
      expect(problems.join('\n')).toMatch(/PORT.*eighty[\s\S]*DATABASE_URL[\s\S]*SECRET_KEY[\s\S]*REOPEN_WINDOW/);
    }
  });

  it.each([['500ms', 500], ['30s', 30_000], ['5m', 300_000], ['12h', 43_200_000], ['14d', 1_209_600_000]])('duration %s', (raw, ms) => {
    expect(parseDuration(raw)).toBe(ms);
  });
});
