import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const compose = parse(readFileSync(join(__dirname, '..', 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { ports?: string[]; environment?: Record<string, string> }>;
};

describe('docker-compose.yml', () => {
  it('publishes Temporal Web, which has no login, on this machine only', () => {
    const ports = compose.services['temporal-ui']!.ports ?? [];
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('points Temporal Web at the API\'s codec server, with the admin\'s cookie', () => {
    const env = compose.services['temporal-ui']!.environment!;
    expect(env.TEMPORAL_CODEC_ENDPOINT).toMatch(/\/api\/temporal-codec$/);
    expect(env.TEMPORAL_CODEC_INCLUDE_CREDENTIALS).toBe('true');
  });
});
