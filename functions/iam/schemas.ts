import * as z from 'zod';
import { Id } from '../shared/schemas';

export const Me = z
  .object({
    id: Id,
    email: z.email(),
    roles: z.array(z.string()),
    permissions: z.array(z.string()).describe('Effective grants of all roles; `*` and `resource:*` are wildcards'),
  })
  .meta({ id: 'Me' });
