/**
 * @module GET /api/v1/search (issue 12, SPEC S1-S3): validation against shared/api.ts, then the search
 * service. Signed-in agents of every role; each sees only what it may (the service).
 */
import { Hono } from 'hono';
import { SearchQuery, type SearchAnswer } from '../../shared/api';
import type { Directory } from '../services/directory';
import type { SearchService } from '../services/search';
import type { ApiEnv } from './context';
import { query } from './json';

export interface SearchApiDeps {
  directory: Directory;
  search: SearchService;
}

export function createSearchApi({ directory, search }: SearchApiDeps): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  api.get('/search', async (c) => {
    const q = query(c, SearchQuery);
    return c.json((await search.search(directory.actor(c.get('agent')), q)) satisfies SearchAnswer);
  });
  return api;
}
