import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Lets the local runtime load handler code under tsx exactly as esbuild bundles it for Lambda,
 * whether or not tsx runs with `--conditions=import`:
 * - middy 7 is ESM only (its `exports` offer only `import`): a `require` of `@middy/*` that fails
 *   is retried with the `import` condition (Node 22 can `require` ES modules);
 * - JSON modules are loaded as JSON. With
 *   `--conditions=import`, tsx takes every `require` for an `import` and hands the CommonJS
 *   loader JavaScript instead of JSON, which fails to parse.
 */
let installed = false;

export function installModuleHooks(): void {
  if (installed) return;
  installed = true;
  registerHooks({
    resolve(specifier, context, next) {
      try {
        return next(specifier, context);
      } catch (error) {
        if (!specifier.startsWith('@middy/') || context.conditions?.includes('import')) throw error;
        return next(specifier, { ...context, conditions: [...(context.conditions ?? []), 'import'] });
      }
    },
    load(url, context, next) {
      if (url.startsWith('file:') && url.endsWith('.json')) {
        return { format: 'json', source: readFileSync(fileURLToPath(url), 'utf8'), shortCircuit: true };
      }
      return next(url, context);
    },
  });
}
