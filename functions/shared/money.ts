import * as z from 'zod/mini';
import { described } from './schemas';

/** ISO 4217 currencies the business trades in; extend deliberately, never accept arbitrary codes. */
export const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'DKK', 'PLN'] as const;

export const Money = z.lazy(() =>
  z
    .strictObject({
      amount: described(z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER)), 'Integer amount in minor units (cents)'),
      currency: z.enum(CURRENCIES),
    })
    .register(z.globalRegistry, { id: 'Money' }),
);

export type Money = z.infer<typeof Money>;
