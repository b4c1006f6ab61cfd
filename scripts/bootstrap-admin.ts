import { bootstrapAdmin, parseBootstrapArgs } from './admin-bootstrap';
import { runCommand } from './cli-options';

/** `npm run bootstrap-admin -- --email admin@company.com [--stack Backoffice] [--region …]`: see scripts/admin-bootstrap.ts. */
async function main(): Promise<void> {
  const args = parseBootstrapArgs(process.argv.slice(2));
  if (args) await bootstrapAdmin(args);
}

runCommand('Bootstrap', main);
