import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPages } from './pages';

/** A built console in a scratch dist/ folder: its index.html and one content-hashed chunk. */
let distDir: string;
const INDEX = '<!doctype html><div id="app"></div><script type="module" src="/console/assets/index-AbCd1234.js"></script>';
const CHUNK = 'console.log("papo")';

beforeAll(() => {
  distDir = mkdtempSync(join(tmpdir(), 'papo-pages-'));
  mkdirSync(join(distDir, 'console', 'assets'), { recursive: true });
  writeFileSync(join(distDir, 'console', 'index.html'), INDEX);
  writeFileSync(join(distDir, 'console', 'assets', 'index-AbCd1234.js'), CHUNK);
});
afterAll(() => rmSync(distDir, { recursive: true, force: true }));

const pages = () => createPages({ distDir, examplesDir: join(distDir, 'none'), demo: false, demoSiteKey: () => null, publicOrigin: 'https://papo.example' });

async function get(path: string) {
  const res = await pages().request(`https://papo.example${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', csp: res.headers.get('content-security-policy'), body: await res.text() };
}

describe('issue 15: every console URL answers the console, files answer themselves, missing files 404', () => {
  it.each([
    '/console/',
    '/console/conversations/3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f',
    '/console/conversations?list=mine',
    '/console/tickets/42',
    '/console/admin/sites/3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f',
    '/console/admin/agents',
    '/console/search?q=a%C3%A7%C3%A3o',
    '/console/team/general',
    '/console/no-such-screen',
  ])('%s: the console index.html, with its CSP', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/html');
    expect(res.body).toBe(INDEX);
    expect(res.csp).toContain("script-src 'self'");
  });

  it('a real chunk answers itself', async () => {
    const res = await get('/console/assets/index-AbCd1234.js');
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/javascript');
    expect(res.body).toBe(CHUNK);
  });

  it.each(['/console/assets/index-Gone0000.js', '/console/assets/nothing', '/console/missing.css', '/console/tickets/42.js', '/console/../package.json'])(
    '%s: 404, never the index.html',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('<div id="app">');
    },
  );

  it('/console redirects to /console/', async () => {
    const res = await pages().request('https://papo.example/console');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/console/');
  });
});
