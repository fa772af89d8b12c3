/**
 * @module First start on an empty database: an admin agent and a demo site with a "Support" queue the admin
 * is in, so `npm start` leads straight to a working chat; and the default wrap-up reasons whenever there are
 * none (closing needs one, SPEC R8). The generated password is handed back once to be printed; it is never
 * stored in clear and never printed again.
 */
import type { Config } from '../config';
import { randomToken, uuidv7 } from '../ids';
import type { Store } from '../store/store';
import { hashPassword } from './passwords';

export const DEMO_SITE_SETTING = 'demo_site_key';
const REASONS_SEEDED_SETTING = 'wrap_up_reasons_seeded';
export const DEFAULT_ADMIN_EMAIL = 'admin@papo.local';
export const DEFAULT_QUEUE = { name: 'Support', strategy: 'broadcast', offerTimeoutMs: 30_000 } as const;
export const DEFAULT_WRAP_UP_REASONS = ['Resolved', 'Question answered', 'Spam'] as const;

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
    const siteId = uuidv7(now());
    await store.sites.create({ id: siteId, key, name: 'Demo site', allowedOrigins: ['self'], createdAt: now() });
    const queueId = uuidv7(now());
    await store.queues.create({ id: queueId, siteId, ...DEFAULT_QUEUE, createdAt: now() });
    await store.sites.update(siteId, { defaultQueueId: queueId });
    const admin = (await store.agents.list()).find((a) => a.role === 'admin');
    if (admin) await store.queues.setMembers(queueId, [admin.id]);
    await store.settings.getOrSet(DEMO_SITE_SETTING, key);
  }
  // Once per database (also one upgraded from before wrap-up reasons existed): closing needs a reason, so
  // there are some to start with; a list an admin has emptied on purpose stays empty.
  if ((await store.settings.get(REASONS_SEEDED_SETTING)) === null) {
    if ((await store.wrapUpReasons.list()).length === 0) {
      for (const label of DEFAULT_WRAP_UP_REASONS) await store.wrapUpReasons.create({ id: uuidv7(now()), label, createdAt: now() });
    }
    await store.settings.getOrSet(REASONS_SEEDED_SETTING, '1');
  }
  return { generatedLogin, adminFromEnv, demoSiteKey: await store.settings.get(DEMO_SITE_SETTING) };
}
