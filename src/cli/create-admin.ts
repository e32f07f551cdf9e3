import argon2 from 'argon2';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { AuditService } from '../audit/audit.service.js';
import { systemActor } from '../common/auth/actor.js';
import { validateEnv } from '../common/config/env.schema.js';
import { exitOnConfigError } from '../common/config/exit-on-config-error.js';
import { loadDotEnv } from '../common/config/load-env.js';
import { createDataSource } from '../common/database/data-source.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../identity/password.service.js';
import { prepareDatabase } from './prepare-database.js';

const USAGE = `Usage: npm run user:create-admin -- --login <name> [--password <password>] [--display-name <name>]
The password comes from --password, else the ADMIN_PASSWORD environment variable, else a prompt (on a terminal).`;

class UsageError extends Error {}

/** Reads a line without echoing it (a password typed on a terminal). */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const output = rl as unknown as { _writeToOutput: (s: string) => void };
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    output._writeToOutput = () => undefined;
    process.stdout.write(question);
  });
}

async function readPassword(fromArgs: string | undefined): Promise<string> {
  const given = fromArgs ?? process.env.ADMIN_PASSWORD;
  if (given !== undefined && given !== '') return given;
  if (!process.stdin.isTTY) throw new UsageError('No password: pass --password, set ADMIN_PASSWORD, or run on a terminal to be asked');
  const first = await promptHidden('Password: ');
  const again = await promptHidden('Repeat it: ');
  if (first !== again) throw new UsageError('The two passwords differ');
  return first;
}

/** Creates an admin account (the first one on a fresh install). Refuses a login that exists. */
async function main(): Promise<number> {
  loadDotEnv();
  const { values } = parseArgs({
    options: { login: { type: 'string' }, password: { type: 'string' }, 'display-name': { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const login = values.login?.trim();
  if (!login || !/^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/.test(login)) throw new UsageError('--login is required: 3–64 letters, digits, ".", "_", "@" or "-"');
  const password = await readPassword(values.password);
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new UsageError(`The password must have ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }

  await prepareDatabase({ log: (line) => process.stdout.write(`${line}\n`) });
  const env = validateEnv(process.env);
  const dataSource = createDataSource({ url: env.DATABASE_URL, poolSize: 1, applicationName: 'outreach-create-admin' });
  await dataSource.initialize();
  try {
    const passwordHash = await argon2.hash(password, { type: argon2.argon2id });
    const created = await dataSource.transaction(async (m) => {
      const [existing] = await m.query(`SELECT 1 FROM app_user WHERE lower(login) = lower($1)`, [login]);
      if (existing) return null;
      const [row]: Array<{ id: string; login: string; role: string; display_name: string | null; created_at: Date }> = await m.query(
        `INSERT INTO app_user (login, password_hash, role, display_name) VALUES ($1, $2, 'admin', $3)
         ON CONFLICT DO NOTHING RETURNING id, login, role, display_name, created_at`,
        [login, passwordHash, values['display-name'] ?? null],
      );
      if (!row) return null;
      await new AuditService().record(m, systemActor('create-admin'), {
        action: 'user.create',
        entity: 'user',
        entityId: row.id,
        after: { login: row.login, role: row.role, displayName: row.display_name },
      });
      return row;
    });
    if (!created) {
      process.stderr.write(`A user with the login "${login}" already exists; nothing was changed.\n`);
      return 2;
    }
    process.stdout.write(`Created admin "${created.login}" (id ${created.id}). Log in at POST /api/v1/auth/login.\n`);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
      process.exit(64);
    }
    exitOnConfigError(error);
  },
);
