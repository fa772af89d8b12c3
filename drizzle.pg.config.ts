import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL store's migrations (issue 14); drizzle.config.ts makes SQLite's. `npm run db:generate` runs both. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/store/pg/schema.ts',
  out: './server/store/pg/migrations',
});
