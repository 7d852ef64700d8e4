import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// A GP practice's secure email address (NHSmail), where Onward sends the agreed care plan when the
// person consented to their GP having a copy (NICE NG225: share the care plan with the GP).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE organisations ADD COLUMN secure_email text CHECK (length(secure_email) <= 254)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE organisations DROP COLUMN secure_email`.execute(db);
}
