import { createContext, useContext } from 'react';
import type { AdminClient } from '../api/client';
import type { ConsoleConfig } from '../config';

/** The typed admin API client, for the commands a resource's screens run beside react-admin's CRUD. */
export const ApiContext = createContext<{ api: AdminClient; config: ConsoleConfig } | undefined>(undefined);

export function useApi(): AdminClient {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi outside the console');
  return value.api;
}
