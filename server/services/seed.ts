/**
 * @module First start on an empty database: an admin agent and a demo site, so `npm start` leads straight
 * to a working chat. The generated password is handed back once to be printed; it is never stored in clear
 * and never printed again.
 */
import type { Config } from '../config';
import { randomToken, uuidv7 } from '../ids';
import type { Store } from '../store/store';
import { hashPassword } from './passwords';

export const DEMO_SITE_SETTING = 'demo_site_key';
export const DEFAULT_ADMIN_EMAIL = 'admin@papo.local';

export interface SeedResult {
  /** Set only when this start created the admin with a generated password. */
  generatedLogin: { email: string; password: string } | null;
  /** Set only when this start created the admin from ADMIN_EMAIL / ADMIN_PASSWORD. */
  adminFromEnv: string | null;
  demoSiteKey: string | null;
}

export async function seed(store: Store, config: Pick<Config, 'admin'>, now: () => number): Promise<SeedResult> {
  let generatedLogin: SeedResult['generatedLogin'] = null;
  let adminFromEnv: string | null = null;
  if ((await store.agents.count()) === 0) {
    const email = config.admin.email ?? DEFAULT_ADMIN_EMAIL;
    const password = config.admin.password ?? randomToken(12);
    await store.agents.create({
      id: uuidv7(now()),
      email,
      name: config.admin.name,
      role: 'admin',
      passwordHash: await hashPassword(password),
      createdAt: now(),
    });
    if (config.admin.password) adminFromEnv = email;
    else generatedLogin = { email, password };
  }
  if ((await store.sites.count()) === 0) {
    const key = `pk_${randomToken(12)}`;
    // `self`: the Papo server's own origin, where the demo pages are served.
    await store.sites.create({ id: uuidv7(now()), key, name: 'Demo site', allowedOrigins: ['self'], createdAt: now() });
    await store.settings.getOrSet(DEMO_SITE_SETTING, key);
  }
  return { generatedLogin, adminFromEnv, demoSiteKey: await store.settings.get(DEMO_SITE_SETTING) };
}
