import type { ModuleName } from './shared/http/route';

/**
 * The only imports one module may make of another (tests/unit/architecture.test.ts holds the code to
 * this list, and the list to being acyclic). Every edge points down. Approvals imports no module: the
 * kinds it runs are composed in functions/approval-kinds.ts. Why each edge stays (docs/decisions.md):
 * - catalog, content, finance, iam → approvals: a command asks the engine for an approval and its
 *   kind plugs into the engine's contract.
 * - orders → catalog: an order reserves and releases stock in its own transaction (stock actions).
 * - finance → orders, logistics → orders: a refund or a shipment moves the order in the same
 *   transaction (order update actions, history events).
 * - logistics → catalog: a shipment takes its units off the stock in that transaction.
 * - support → orders: a ticket checks its order and customer in its transaction.
 * - webhooks → orders, catalog, content, logistics: a partner event carries the partner view of the
 *   resource those modules define; webhooks → iam: events go to partners by their scopes.
 */
export const MODULE_DEPENDENCIES: Readonly<Partial<Record<ModuleName, readonly ModuleName[]>>> = {
  catalog: ['approvals'],
  content: ['approvals'],
  iam: ['approvals'],
  finance: ['approvals', 'orders'],
  orders: ['catalog'],
  logistics: ['orders', 'catalog'],
  support: ['orders'],
  webhooks: ['orders', 'catalog', 'content', 'logistics', 'iam'],
};
