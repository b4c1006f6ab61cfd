import type { ModuleName } from './shared/http/route';

/**
 * The only imports one module may make of another (tests/unit/architecture.test.ts holds the code to
 * this list, and the list to being acyclic). Every edge points down: a module uses the approvals
 * engine to ask for an approval, or reads what a lower module owns. Approvals imports no module: the
 * kinds it runs are composed in functions/approval-kinds.ts.
 */
export const MODULE_DEPENDENCIES: Readonly<Partial<Record<ModuleName, readonly ModuleName[]>>> = {
  catalog: ['approvals'],
  content: ['approvals'],
  iam: ['approvals'],
  finance: ['approvals', 'orders'],
  orders: ['catalog'],
  logistics: ['orders', 'catalog'],
  support: ['orders'],
  exports: ['orders'],
};
