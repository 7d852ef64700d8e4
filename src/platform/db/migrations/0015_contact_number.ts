import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// A contact number for the person, as the demographics service holds it (PDS Patient.telecom):
// the 48-hour follow-up is mostly a phone call, and the worklist shows the number to ring.

const up_statements = [
  sql`ALTER TABLE patients ADD COLUMN phone text CHECK (phone ~ '^\\+?[0-9 ]{7,20}$')`,
  sql`ALTER TABLE population_register ADD COLUMN phone text CHECK (phone ~ '^\\+?[0-9 ]{7,20}$')`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE population_register DROP COLUMN phone`.execute(db);
  await sql`ALTER TABLE patients DROP COLUMN phone`.execute(db);
}
