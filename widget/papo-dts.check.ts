/**
 * @module Typecheck-time proof that the hand-written public types (`widget/papo.d.ts`, shipped as
 * `dist/widget/index.d.ts` and served as `/widget/papo.d.ts`) say what `widget/contract.ts` and the npm
 * entry say. `npx tsc --noEmit -p .` fails on any drift. No runtime code.
 */
import type * as Contract from './contract';
import type * as Entry from './index';
import type * as Public from './papo';

/** True when A and B are assignable both ways and have the same keys (an added optional one counts). */
type Both<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Same<A, B> = Both<A, B> extends true ? Both<keyof A, keyof B> : false;

export const PUBLIC_TYPES_MATCH: [
  Same<Public.Locale, Contract.Locale>,
  Same<Public.IdentityInput, Contract.IdentityInput>,
  Same<Public.PublicMessage, Contract.PublicMessage>,
  Same<Public.PapoEvents, Contract.PapoEvents>,
  Same<Public.ProactiveMessageOptions, Contract.ProactiveMessageOptions>,
  Same<Public.PapoCall, Contract.PapoCall>,
  Same<Public.PapoApi, Contract.PapoApi>,
  Same<Public.PapoLoadOptions, Contract.PapoLoadOptions>,
  Same<Public.PapoClient, Contract.PapoClient>,
  Same<typeof Public.Papo, typeof Entry.Papo>,
] = [true, true, true, true, true, true, true, true, true, true];
