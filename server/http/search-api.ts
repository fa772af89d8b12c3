/**
 * @module GET /api/v1/search (issue 12, SPEC S1-S3): validation against its route in shared/routes.ts, then
 * the search service. Signed-in agents of every role; each sees only what it may (the service).
 */
import { Hono } from 'hono';
import { ROUTES } from '../../shared/routes';
import type { Directory } from '../services/directory';
import type { SearchService } from '../services/search';
import type { ApiEnv } from './context';
import { route } from './routes';

export interface SearchApiDeps {
  directory: Directory;
  search: SearchService;
}

export function createSearchApi({ directory, search }: SearchApiDeps): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  route(api, ROUTES.search, async (c, { query, answer }) => {
    const q = query();
    return answer(await search.search(directory.actor(c.get('agent')), q));
  });
  return api;
}
