/**
 * @module Who is on the other end: agent sessions (cookie) and visitor identities (signed token bound to a
 * site). Adapters call this; it never sees a request or a socket.
 */
import type { AgentProfile, IdentityProof } from '../../shared/protocol';
import { limitKey } from '../domain/client-ip';
import { DEVICE_TTL_MS, signDeviceToken, verifyDeviceToken } from '../domain/device-token';
import { verifyIdentity, type IdentifiedUser } from '../domain/identity';
import { signVisitorToken, verifyVisitorToken } from '../domain/visitor-token';
import { AppError } from '../errors';
import { hashToken, randomToken, uuidv7 } from '../ids';
import type { Site, Store } from '../store/store';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords';
import type { Safety } from './safety';

export interface AuthDeps {
  store: Store;
  secret: string;
  now: () => number;
  sessionTtlMs: number;
  visitorTokenTtlMs: number;
  /** SPEC L6: the sign-in failure budgets. */
  limits: Pick<Safety, 'signIn'>;
}

/** Where a password check comes from (SPEC L6): the caller's address and its device cookie, if any. */
export interface SignInOrigin {
  ip: string;
  device?: string | undefined;
}

export interface VisitorIdentity {
  siteId: string;
  visitorId: string;
  token: string;
  tokenExpiresAt: number;
}

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService({ store, secret, now, sessionTtlMs, visitorTokenTtlMs, limits }: AuthDeps) {
  /** A renewed token for this visitor: an active visitor never expires. */
  function issue(site: Site, visitorId: string): VisitorIdentity {
    const tokenExpiresAt = now() + visitorTokenTtlMs;
    return { siteId: site.id, visitorId, token: signVisitorToken({ siteId: site.id, visitorId, exp: tokenExpiresAt }, secret), tokenExpiresAt };
  }

  /**
   * SPEC L6: a password check within the failure budgets: a browser showing a device cookie of this agent
   * pays from its own, anyone else from its address's and the e-mail's. Refused `rate_limited` (before the
   * password is read) when the budget is spent; a right password gives back what it took.
   */
  async function checkPassword(agent: { id: string; email: string; passwordHash: string } | null, email: string, password: string, origin: SignInOrigin): Promise<boolean> {
    const device = verifyDeviceToken(origin.device, secret, now());
    const attempt = await limits.signIn(limitKey(origin.ip), email, device && agent && device.agentId === agent.id ? device.deviceId : null);
    let ok = false;
    try {
      ok = (await verifyPassword(password, agent?.passwordHash ?? DUMMY_HASH)) && agent !== null;
    } finally {
      attempt.settled(ok);
    }
    return ok;
  }

  const service = {
    /**
     * Checks e-mail and password; answers a new session token (for the cookie), the agent, and a device
     * token that makes this browser a known one for this agent (SPEC L6).
     */
    async login(
      email: string,
      password: string,
      origin: SignInOrigin & { previousToken?: string | undefined },
    ): Promise<{ token: string; expiresAt: number; agent: AgentProfile; device: { token: string; maxAgeMs: number } }> {
      const previousToken = origin.previousToken;
      const agent = await store.agents.byEmail(email);
      // An unknown e-mail is checked against a dummy hash and counts as a failure: timing and budgets alike
      // do not tell whether the account exists.
      const ok = await checkPassword(agent, email, password, origin);
      if (!agent || !ok) throw new AppError('invalid_credentials');
      if (agent.disabled) throw new AppError('agent_disabled');
      // Issue 6: a sign-in rotates the session: the cookie the browser had stops working.
      if (previousToken && previousToken.length <= 200) await store.sessions.delete(hashToken(previousToken));
      const token = randomToken();
      const at = now();
      const expiresAt = at + sessionTtlMs;
      await store.sessions.create({ tokenHash: hashToken(token), agentId: agent.id, createdAt: at, expiresAt });
      // Issue 15: a first sign-in leaves a mark, so "never signed in" (availabilitySince 0) stays true only until then.
      if (agent.availabilitySince === 0) await store.agents.update(agent.id, { availabilitySince: at });
      const device = signDeviceToken({ agentId: agent.id, deviceId: randomToken(16), exp: at + DEVICE_TTL_MS }, secret);
      return { token, expiresAt, agent: profile(agent), device: { token: device, maxAgeMs: DEVICE_TTL_MS } };
    },

    async logout(token: string): Promise<void> {
      await store.sessions.delete(hashToken(token));
    },

    /** Whether a session (by its token's hash) still admits its agent: not ended, expired or disabled. */
    async sessionAlive(tokenHash: string): Promise<boolean> {
      return (await store.sessions.find(tokenHash, now())) !== null;
    },

    /** Issue 6: a new password ends every session of the agent; a fresh one is answered for this browser. */
    async changePassword(agentId: string, current: string, next: string, origin: SignInOrigin): Promise<{ token: string; expiresAt: number }> {
      const agent = await store.agents.byId(agentId);
      if (!agent || !(await checkPassword(agent, agent.email, current, origin))) throw new AppError('invalid_credentials', 'The current password is wrong.');
      await store.agents.update(agentId, { passwordHash: await hashPassword(next) });
      await store.sessions.deleteForAgent(agentId);
      const token = randomToken();
      const at = now();
      await store.sessions.create({ tokenHash: hashToken(token), agentId, createdAt: at, expiresAt: at + sessionTtlMs });
      return { token, expiresAt: at + sessionTtlMs };
    },

    /** Issue 6: a disabled agent cannot sign in and its sessions end; enabling does not restore them. */
    async setDisabled(agentId: string, disabled: boolean): Promise<void> {
      await store.agents.update(agentId, { disabled });
      if (disabled) await store.sessions.deleteForAgent(agentId);
    },

    /** The agent behind a session cookie, or null when it is unknown or expired. */
    async agentForSession(token: string | undefined): Promise<AgentProfile | null> {
      if (!token || token.length > 200) return null;
      const agent = await store.sessions.find(hashToken(token), now());
      return agent ? profile(agent) : null;
    },

    /** The site a widget's script tag names. */
    siteByKey(key: string): Promise<Site | null> {
      return store.sites.byKey(key);
    },

    /** Sites whose conversations an agent sees. Every site for now; queues narrow this later. */
    async siteIdsFor(_agent: AgentProfile): Promise<string[]> {
      return (await store.sites.list()).map((site) => site.id);
    },

    /**
     * SPEC D10: the visitor a widget's hello names. No token makes a new visitor (nothing is written until
     * its first message); a token must be ours, unexpired and for this site. The answer carries a renewed
     * token so an active visitor never expires.
     */
    identifyVisitor(site: Site, token: string | null | undefined): VisitorIdentity {
      let visitorId: string;
      if (token) {
        const check = verifyVisitorToken(token, secret, now());
        if (!check.ok) throw new AppError(check.code);
        if (check.claims.siteId !== site.id) throw new AppError('token_invalid', 'The visitor token is for another site.');
        visitorId = check.claims.visitorId;
      } else {
        visitorId = uuidv7(now());
      }
      return issue(site, visitorId);
    },

    /**
     * SPEC W6: a visitor hello with the host page's identity proof, if any. A valid proof names the one
     * visitor of (site, user id), made on first sight and renamed from the proof later; the token the widget
     * held is then ignored (switching identity starts a fresh session). A wrong proof, or any proof to a site
     * without an identity secret, is `identity_invalid` (an expired JWT `identity_expired`) and nothing is
     * written. Without a proof the token decides as before, and `user` says whether it is an identified
     * visitor's; a strict site refuses anyone else with `identity_required`.
     */
    async visitorHello(site: Site, token: string | null | undefined, proof: IdentityProof | undefined): Promise<VisitorIdentity & { user: IdentifiedUser | null; verifiedEmail?: string | null }> {
      if (proof) {
        if (!site.identitySecret) throw new AppError('identity_invalid', 'This site has no identity secret: it cannot identify visitors.');
        const check = verifyIdentity(proof, site.identitySecret, now());
        if (!check.ok) throw new AppError(check.code);
        const at = now();
        const visitor = await store.visitors.identify(site.id, check.user.userId, uuidv7(at), { name: check.user.name, email: check.user.email }, at);
        // SPEC L4: the e-mail the site vouches for is a JWT's own claim (a userHash signs only the user id).
        const verifiedEmail = 'jwt' in proof ? check.user.email : null;
        return { ...issue(site, visitor.id), user: { userId: check.user.userId, name: visitor.name, email: visitor.email }, verifiedEmail };
      }
      const identity = service.identifyVisitor(site, token);
      // Only a token can name an identified visitor; a fresh visitor has no record to read.
      const record = token ? await store.visitors.byId(identity.visitorId) : null;
      const user = record?.externalId && record.siteId === site.id ? { userId: record.externalId, name: record.name, email: record.email } : null;
      if (!user && site.widget?.strictIdentity) throw new AppError('identity_required');
      return { ...identity, user };
    },
  };
  return service;
}

function profile(agent: AgentProfile): AgentProfile {
  return { id: agent.id, name: agent.name, email: agent.email, role: agent.role };
}
