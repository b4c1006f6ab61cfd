import { insertStaff } from '../../functions/iam/staff-repository';
import { newId } from '../../functions/shared/ids';

/** Creates an active staff member with the given roles and returns their id. */
export async function createStaff(roles: string[], email = `${newId().toLowerCase()}@test.example.com`): Promise<string> {
  const id = newId();
  const at = new Date().toISOString();
  await insertStaff(
    { id, email, name: email, roles, status: 'active', version: 1, createdAt: at },
    [],
    { actor: 'system:test', requestId: 'test', sourceIp: '127.0.0.1', at },
  );
  return id;
}
