/** What the global setup hands to every test file, through environment variables. */
export const TEST_ENV = {
  temporalAddress: 'HELPDESK_TEST_TEMPORAL_ADDRESS',
  databaseUrl: 'HELPDESK_TEST_DATABASE_URL',
  workflowBundle: 'HELPDESK_TEST_WORKFLOW_BUNDLE',
  temporalCli: 'HELPDESK_TEST_TEMPORAL_CLI',
} as const;

export function testEnv(name: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[name]];
  if (!value) throw new Error(`${TEST_ENV[name]} is not set: run the integration tests through jest (npm test).`);
  return value;
}
