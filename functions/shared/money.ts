import * as z from 'zod';

/** ISO 4217 currencies the business trades in; extend deliberately, never accept arbitrary codes. */
export const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'DKK', 'PLN'] as const;

export const Money = z.lazy(() =>
  z
    .strictObject({
      amount: z.int().min(0).max(Number.MAX_SAFE_INTEGER).describe('Integer amount in minor units (cents)'),
      currency: z.enum(CURRENCIES),
    })
    .meta({ id: 'Money' }),
);

export type Money = z.infer<typeof Money>;
