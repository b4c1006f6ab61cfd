import { relative } from 'node:path';
import { ensureConsoleBuilt } from './console-build';
import { LocalSetupError } from './errors';
import { REPO_ROOT } from './paths';
import { startLocalRuntime, type LocalRuntime } from './runtime';

/**
 * `npm start [-- --reset]`: runs the whole back end locally and prints how to use it. Machine
 * problems (no Java, a busy port) are one line on stderr and exit code 1; Ctrl-C or SIGTERM stops
 * every child process and exits 0.
 */
const USAGE = 'Usage: npm start [-- --reset]   (env: PORT, HOST, BACKOFFICE_DATA_DIR, ALLOWED_ORIGINS, POWERTOOLS_LOG_LEVEL, ACCESS_LOG=false)';

function parseArgs(argv: string[]): { reset: boolean } {
  let reset = false;
  for (const arg of argv) {
    if (arg === '--reset') reset = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new LocalSetupError(`Unknown option ${arg}. ${USAGE}`);
  }
  return { reset };
}

function banner(runtime: LocalRuntime): string {
  const { credentials } = runtime;
  const where = (path: string) => (path.startsWith(REPO_ROOT) ? relative(REPO_ROOT, path) || '.' : path);
  const adminToken = credentials.tokens['admin@example.com'] ?? Object.values(credentials.tokens)[0] ?? '';
  const shopKey = credentials.partnerKeys['demo-shop'] ?? '';
  const members = Object.entries(credentials.staff).map(([email, s]) => `${email} (${s.roles.join(', ')})`);
  const staffLines: string[] = [];
  for (let i = 0; i < members.length; i += 3) staffLines.push(members.slice(i, i + 3).join(', '));
  const staff = staffLines.join(`\n${' '.repeat(16)}`);
  return [
    '',
    'Backoffice local runtime',
    `  Console       ${runtime.url}/  (the admin console: sign in as any seeded staff member)`,
    `  Admin API     ${credentials.adminApiUrl}`,
    `  Partner API   ${credentials.partnerApiUrl}`,
    `  Sign in       POST ${credentials.tokenUrl}  {"email": "admin@example.com"}  →  {"token": "…"}`,
    `  JWKS          ${credentials.jwksUrl}`,
    `  Credentials   ${where(runtime.credentialsFile)}  (a token per staff member, valid 12 h; partner keys)`,
    `  Data          ${where(runtime.dataDir)}  (kept between runs; npm start -- --reset starts clean)`,
    `  DynamoDB      ${credentials.dynamodbEndpoint}  (tables ${credentials.tableName}, ${credentials.auditTableName})`,
    '',
    `  Staff         ${staff}`,
    `  Partner keys  demo-shop:    ${shopKey}`,
    `                demo-carrier: ${credentials.partnerKeys['demo-carrier'] ?? ''}`,
    '',
    'Try it:',
    `  curl -H "authorization: Bearer ${adminToken}" ${credentials.adminApiUrl}/products`,
    `  curl -H "x-api-key: ${shopKey}" ${credentials.partnerApiUrl}/products`,
    '',
    'Ctrl-C stops everything.',
  ].join('\n');
}

async function main(): Promise<void> {
  const { reset } = parseArgs(process.argv.slice(2));
  const abort = new AbortController();
  let runtime: LocalRuntime | undefined;
  let stopping = false;

  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl-C: stop waiting (the exit hook still kills DynamoDB Local).
      process.exit(1);
    }
    stopping = true;
    if (!runtime) {
      // Still starting: abort; main() stops whatever started and exits.
      abort.abort();
      return;
    }
    console.log(`\n${signal}: stopping…`);
    runtime
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(`Stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGHUP', shutdown);

  // The console of the checked-out code: rebuilt only when its sources changed.
  await ensureConsoleBuilt((line) => console.log(line));
  try {
    runtime = await startLocalRuntime({
      reset,
      signal: abort.signal,
      accessLog: process.env.ACCESS_LOG !== 'false',
      log: (line) => console.log(line),
    });
  } catch (error) {
    if (abort.signal.aborted) process.exit(0);
    throw error;
  }
  if (stopping) {
    await runtime.stop();
    process.exit(0);
  }
  console.log(banner(runtime));
  console.log('Backoffice is ready');
}

main().catch((error: unknown) => {
  // One clear line, no stack trace: for machine problems the message says what to do.
  if (error instanceof LocalSetupError) console.error(error.message);
  else {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`The local runtime could not start: ${message.split('\n')[0]}${process.env.DEBUG ? '' : ' (set DEBUG=1 for details)'}`);
    if (process.env.DEBUG) console.error(error);
  }
  process.exit(1);
});
