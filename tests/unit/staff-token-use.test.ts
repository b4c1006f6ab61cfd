import { resolveStaffPrincipal } from '../../functions/shared/auth/staff-resolver';
import { HttpProblem } from '../../functions/shared/errors';

jest.mock('../../functions/shared/auth/staff-access-repository', () => ({
  getStaffAccess: jest.fn(async (id: string) => ({ id, email: 'a@example.com', name: 'A', roles: ['admin'], status: 'active' })),
  getCustomRoleGrants: jest.fn(async () => ({ grants: {}, unprocessed: [] })),
}));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the mocked module, typed
const repository = require('../../functions/shared/auth/staff-access-repository') as { getStaffAccess: jest.Mock };

describe('only access tokens authenticate staff', () => {
  beforeEach(() => repository.getStaffAccess.mockClear());

  it('an access token names the member', async () => {
    await expect(resolveStaffPrincipal({ sub: 's1', username: 's1', token_use: 'access' })).resolves.toMatchObject({ kind: 'staff', id: 's1' });
  });

  it.each([
    ['an ID token', { token_use: 'id' }],
    ['a token without token_use', {}],
    ['a token_use of another type', { token_use: ['access'] }],
  ])('%s → 401, before any read', async (_name, claims) => {
    const refusal = resolveStaffPrincipal({ sub: 's1', username: 's1', ...claims });
    await expect(refusal).rejects.toBeInstanceOf(HttpProblem);
    await expect(refusal).rejects.toMatchObject({ status: 401, detail: 'Only an access token authenticates staff' });
    expect(repository.getStaffAccess).not.toHaveBeenCalled();
  });
});
