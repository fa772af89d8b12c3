/**
 * @module Registers a route of shared/routes.ts on a Hono router: its method and path, its privilege check,
 * and its input read through its own schemas, so the declaration is what is validated. The body and the
 * query are read when the handler asks (`input.body()`), not before: a route that looks its site up first
 * answers `not_found` before it judges the body, as it always did. `input.answer(value)` sends the declared
 * status with a value of the declared type.
 */
import type { Context, Env, Hono, MiddlewareHandler } from 'hono';
import type * as v from 'valibot';
import { ROUTES, type AnswerOf, type RouteSpec } from '../../shared/routes';
import type { Privilege } from '../domain/roles';
import { body, query, requires } from './json';

// Every privilege the table names is one the server knows.
ROUTES satisfies Record<string, { method: string; privilege?: Privilege }>;

type Parsed<S> = S extends v.GenericSchema ? v.InferOutput<S> : never;

export interface RouteInput<R extends RouteSpec> {
  /** The JSON body, validated against the route's schema (`invalid_json`, `invalid_request` or the schema's code). */
  body(): Promise<Parsed<R['body']>>;
  /** The query, validated against the route's schema. */
  query(): Parsed<R['query']>;
  /** The declared success: the value as JSON with the route's status (201 when created), or no body for a 204. */
  answer(value: AnswerOf<R>): Response;
}

/**
 * Adds `spec` to `app`, which is mounted at `mount` under /api/v1 (the table's paths include it). `before`
 * runs first (a sign-in check the router's own middleware does not make), then the route's privilege
 * (`forbidden`), then `handler`.
 */
export function route<E extends Env, R extends RouteSpec>(
  app: Hono<E>,
  spec: R,
  handler: (c: Context<E, R['path']>, input: RouteInput<R>) => Response | Promise<Response>,
  { mount = '', before }: { mount?: string; before?: MiddlewareHandler<E> } = {},
): void {
  if (!spec.path.startsWith(mount)) throw new Error(`${spec.path} is not under ${mount}`);
  // A privilege is a signed-in agent's (SPEC R10): on any other access there is no agent to check it on.
  if (spec.privilege !== undefined && spec.access !== 'agent') throw new Error(`${spec.path}: a privilege needs access 'agent'`);
  const path = spec.path.slice(mount.length) || '/';
  const run: MiddlewareHandler<E> = async (c) =>
    handler(c, {
      body: () => body(c, spec.body!) as Promise<Parsed<R['body']>>,
      query: () => query(c, spec.query!) as Parsed<R['query']>,
      answer: (value) => (spec.answer.status === 204 ? c.body(null, 204) : c.json(value as object, spec.answer.status)),
    });
  const handlers = [...(before ? [before] : []), ...(spec.privilege === undefined ? [] : [requires(spec.privilege as Privilege) as unknown as MiddlewareHandler<E>]), run];
  app.on(spec.method, path, ...(handlers as [MiddlewareHandler<E>]));
}
