import type { ResourceProps } from 'react-admin';
import { approvalPolicies } from './approval-policies';
import { approvals } from './approvals';
import { audit } from './audit';
import { content } from './content';
import { customers } from './customers';
import { exports } from './exports';
import { ledger } from './ledger';
import { orders } from './orders';
import { partners } from './partners';
import { products } from './products';
import { roles } from './roles';
import { shipments } from './shipments';
import { staff } from './staff';
import { tickets } from './tickets';

/** Records that live under another (a product's stock adjustments…): no screens of their own, shown by their parent. */
const nested: ResourceProps[] = ['stock-adjustments', 'ticket-comments', 'content-versions', 'partner-keys', 'partner-webhooks', 'webhook-deliveries', 'ledger-entries'].map((name) => ({ name }));

/** Every resource of the console; each folder loads its screens when first opened. */
export const resources: ResourceProps[] = [
  products,
  orders,
  customers,
  shipments,
  tickets,
  content,
  approvals,
  approvalPolicies,
  ledger,
  staff,
  roles,
  partners,
  exports,
  audit,
  ...nested,
];
