import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Organisation, Page } from '../api/types';

/** Every active organisation (a province has a few hundred), fetched page by page. */
export function useAllOrganisations() {
  return useQuery({
    queryKey: ['organisations', 'all'],
    staleTime: 5 * 60_000,
    queryFn: async () => {
      const all: Organisation[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<Organisation> = await api<Page<Organisation>>('/organisations', { query: { limit: 200, cursor } });
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    },
  });
}
