/**
 * @module Request helpers every API router shares: read and validate a JSON body or a query against a
 * schema from shared/, refusing with a typed error; let through only the roles a privilege names.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type * as v from 'valibot';
import { parseBody } from '../../shared/protocol';
import { may, type Privilege } from '../domain/roles';
import { AppError } from '../errors';
import type { ApiEnv } from './context';

export async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new AppError('invalid_json');
  }
}

/** The body, validated; `invalid_request` (or the schema's named code) when it does not match. */
export async function body<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  const parsed = parseBody(schema, await readJson(c));
  if (!parsed.ok) throw new AppError(parsed.code, parsed.message);
  return parsed.value;
}

export function query<S extends v.GenericSchema>(c: Context, schema: S): v.InferOutput<S> {
  const parsed = parseBody(schema, c.req.query());
  if (!parsed.ok) throw new AppError(parsed.code, parsed.message);
  return parsed.value;
}

/** A route for the signed-in agents whose role has `privilege`; `forbidden` for the others. */
export const requires =
  (privilege: Privilege): MiddlewareHandler<ApiEnv> =>
  async (c, next) => {
    if (!may(c.get('agent').role, privilege)) throw new AppError('forbidden');
    await next();
  };
