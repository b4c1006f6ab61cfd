import { defineRoutes } from '../shared/http/route';
import { Me } from './schemas';

export const iamRoutes = defineRoutes([
  {
    operationId: 'getMe',
    api: 'admin',
    method: 'GET',
    path: '/me',
    module: 'iam',
    summary: 'The calling staff member and their effective permissions',
    access: { authenticated: true },
    responses: { 200: Me },
  },
]);
