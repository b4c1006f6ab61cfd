import { analyticsRoutes } from './analytics/routes';
import { approvalRoutes } from './approvals/routes';
import { auditRoutes } from './audit/routes';
import { catalogRoutes } from './catalog/routes';
import { contentRoutes } from './content/routes';
import { docsRoutes } from './docs/routes';
import { exportsRoutes } from './exports/routes';
import { financeRoutes } from './finance/routes';
import { iamRoutes } from './iam/routes';
import { logisticsRoutes } from './logistics/routes';
import { ordersRoutes } from './orders/routes';
import { supportRoutes } from './support/routes';
import { webhookRoutes } from './webhooks/routes';
import type { RouteSpec } from './shared/http/route';

/**
 * The route table: every route of both APIs. The CDK stack, the local gateway, the OpenAPI
 * document and the authorization tests all read it. Each module's Lambda imports only its slice.
 */
export const routes: readonly RouteSpec[] = [...docsRoutes, ...iamRoutes, ...catalogRoutes, ...auditRoutes, ...approvalRoutes, ...ordersRoutes, ...financeRoutes, ...logisticsRoutes, ...supportRoutes, ...exportsRoutes, ...analyticsRoutes, ...contentRoutes, ...webhookRoutes];
