// @ts-check
/**
 * @module A small host site that signs its users in to Papo (SPEC W6), with Node's standard library only:
 * a shop page with the Papo widget, a pretend sign-in (pick a user), and on every page the signed-in user's
 * proof handed to `Papo.identify`. Sign out calls `Papo.reset()`, so the next chat on this browser is
 * anonymous. See README.md in this folder.
 *
 *   PAPO_SITE_KEY=pk_... PAPO_IDENTITY_SECRET=... node examples/identity/server.mjs
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { signJwt, userHash } from './sign.mjs';

const PORT = Number(process.env.PORT ?? 3000);
const PAPO_URL = (process.env.PAPO_URL ?? 'http://localhost:8787').replace(/\/+$/, '');
const SITE_KEY = process.env.PAPO_SITE_KEY ?? '';
const SECRET = process.env.PAPO_IDENTITY_SECRET ?? '';
if (!SITE_KEY || !SECRET) {
  console.error('Set PAPO_SITE_KEY (the site key) and PAPO_IDENTITY_SECRET (Administration → Sites → Widget → Identity secret).');
  process.exit(1);
}

/** The shop's customers. A real backend has its own users and password check. */
const USERS = {
  ana: { id: 'cliente-1001', name: 'Ana Souza', email: 'ana.souza@example.com.br' },
  bruno: { id: 'cliente-1002', name: 'Bruno Lima', email: 'bruno.lima@example.com.br' },
};

/** Session id (the cookie) -> user key. In memory: restarting signs everybody out. */
const sessions = new Map();
const COOKIE = 'shop_session';

/** @param {import('node:http').IncomingMessage} req */
function sessionOf(req) {
  const cookie = (req.headers.cookie ?? '').split(';').map((c) => c.trim()).find((c) => c.startsWith(`${COOKIE}=`));
  return cookie ? cookie.slice(COOKIE.length + 1) : '';
}

/** @param {import('node:http').IncomingMessage} req */
function userOf(req) {
  const key = sessions.get(sessionOf(req));
  return key ? USERS[/** @type {keyof typeof USERS} */ (key)] : null;
}

/**
 * What the page hands to `Papo.identify`: a fresh 5-minute JWT (preferred), or with `?proof=hash` the user
 * id's HMAC, which never expires.
 *
 * @param {{ id: string; name: string; email: string }} user
 * @param {'jwt' | 'hash'} proof
 */
function identityFor(user, proof) {
  if (proof === 'hash') return { userId: user.id, userHash: userHash(user.id, SECRET), name: user.name, email: user.email };
  return { jwt: signJwt(user, SECRET) };
}

/** JSON inside a <script>: `<` escaped so no value can close the tag. */
const scriptJson = (/** @type {unknown} */ value) => JSON.stringify(value).replace(/</g, '\\u003c');
const html = (/** @type {string} */ text) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * @param {{ id: string; name: string; email: string } | null} user
 * @param {'jwt' | 'hash'} proof
 */
function page(user, proof) {
  const account = user
    ? `<p>Você entrou como <strong>${html(user.name)}</strong> (${html(user.email)}).</p>
       <p>O chat sabe quem você é: abra-o aqui e depois em outro navegador com o mesmo usuário, e a conversa continua.
          Prova usada: <code>${proof === 'hash' ? 'userHash' : 'JWT HS256 de 5 minutos'}</code>
          (<a href="/?proof=${proof === 'hash' ? 'jwt' : 'hash'}">usar ${proof === 'hash' ? 'JWT' : 'userHash'}</a>).</p>
       <form method="post" action="/logout" id="logout"><button type="submit">Sair</button></form>`
    : `<p>Você não entrou: o chat é anônimo (ou, se o site estiver no modo estrito, espera você entrar).</p>
       <form method="post" action="/login">
         <label>Entrar como <select name="user">${Object.entries(USERS)
           .map(([key, u]) => `<option value="${key}">${html(u.name)}</option>`)
           .join('')}</select></label>
         <button type="submit">Entrar</button>
       </form>`;
  return `<!doctype html>
<html lang="pt-BR">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Loja Exemplo · identificação no Papo</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; max-width: 720px; margin: 40px auto; padding: 0 16px; color: #1f2328; }
      code { background: #f2f4f7; padding: 1px 5px; border-radius: 4px; }
      button, select { font: inherit; padding: 6px 12px; }
    </style>
  </head>
  <body>
    <h1>Loja Exemplo</h1>
    ${account}
    <script>
      // Calls made before papo.js loads wait in this queue, then run in order.
      window.Papo = window.Papo || [];
      ${user ? `Papo.push(['identify', ${scriptJson(identityFor(user, proof))}]);` : ''}
      var logout = document.getElementById('logout');
      // Sign-out: the widget forgets this user (its token, conversation and storage) before the page changes.
      if (logout) logout.addEventListener('submit', function () { window.Papo.push(['reset']); });
    </script>
    <script async src="${html(PAPO_URL)}/widget/papo.js" data-site="${html(SITE_KEY)}"></script>
  </body>
</html>`;
}

/** @param {import('node:http').IncomingMessage} req */
async function formBody(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) break;
  }
  return new URLSearchParams(body);
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const user = userOf(req);
  if (req.method === 'GET' && url.pathname === '/') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    return res.end(page(user, url.searchParams.get('proof') === 'hash' ? 'hash' : 'jwt'));
  }
  // For single-page apps: a fresh proof whenever the widget needs one (e.g. after `Papo.reset()` and a new sign-in).
  if (req.method === 'GET' && url.pathname === '/papo-identity') {
    if (!user) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      return res.end('{"error":"not signed in"}');
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    return res.end(JSON.stringify(identityFor(user, 'jwt')));
  }
  if (req.method === 'POST' && url.pathname === '/login') {
    const key = (await formBody(req)).get('user') ?? '';
    if (!Object.hasOwn(USERS, key)) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('Usuário desconhecido.');
    }
    const id = randomBytes(24).toString('base64url');
    sessions.set(id, key);
    res.writeHead(303, { Location: '/', 'Set-Cookie': `${COOKIE}=${id}; HttpOnly; SameSite=Lax; Path=/` });
    return res.end();
  }
  if (req.method === 'POST' && url.pathname === '/logout') {
    sessions.delete(sessionOf(req));
    res.writeHead(303, { Location: '/', 'Set-Cookie': `${COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0` });
    return res.end();
  }
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('Not found');
});

server.listen(PORT, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : PORT;
  console.log(`Loja Exemplo on http://localhost:${port} (Papo at ${PAPO_URL}, site ${SITE_KEY})`);
});
