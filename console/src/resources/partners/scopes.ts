import type { Schemas } from '../../api/client';

export type PartnerScope = Schemas['CreatePartnerRequest']['scopes'][number];

/** Every scope a partner may hold; keyed by the schema's enum so a new scope fails the typecheck until listed. */
const SCOPES: Record<PartnerScope, true> = {
  'catalog:read': true,
  'orders:read': true,
  'orders:write': true,
  'shipments:write': true,
  'content:read': true,
  'tickets:write': true,
  'webhooks:manage': true,
  'events:read': true,
};

/** Scope choices for a CheckboxGroupInput: the scope itself is the label (it is what partners read in their docs). */
export const SCOPE_CHOICES = (Object.keys(SCOPES) as PartnerScope[]).map((id) => ({ id, name: id }));
