import { forbidden } from '../shared/errors';
import { createHttpHandler } from '../shared/http/app';
import { iamRoutes } from './routes';

export const handler = createHttpHandler(iamRoutes, {
  getMe: async ({ principal }) => {
    if (principal.kind !== 'staff') throw forbidden();
    return { status: 200, body: { id: principal.id, email: principal.email, roles: principal.roles, permissions: principal.grants } };
  },
});
