import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTE_DECLARATIONS } from '../workflows/ticket/definitions';

const compose = parse(readFileSync(join(__dirname, '..', 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, {
    ports?: string[]; environment?: Record<string, string>; command?: string[] | string; image?: string;
    depends_on?: Record<string, { condition: string }>;
  }>;
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

  it('keeps Temporal\'s state in PostgreSQL, not in memory', () => {
    const temporal = compose.services.temporal!;
    expect(temporal.image).toMatch(/^temporalio\/auto-setup:/);
    expect(temporal.environment!.DB).toMatch(/^postgres/);
    expect(temporal.environment!.POSTGRES_SEEDS).toBe('postgresql');
  });

  it('registers every ticket search attribute in a setup step the API and the worker wait for', () => {
    const setup = compose.services['temporal-search-attributes']!;
    const script = ([] as string[]).concat(setup.command ?? []).join(' ');
    const registered = script.match(/\b[A-Z]\w+=[A-Z]\w+\b/g) ?? [];
    expect(registered.sort()).toEqual([...SEARCH_ATTRIBUTE_DECLARATIONS].sort());
    for (const service of ['api', 'worker']) {
      expect(compose.services[service]!.depends_on!['temporal-search-attributes']).toEqual({ condition: 'service_completed_successfully' });
    }
  });
});

