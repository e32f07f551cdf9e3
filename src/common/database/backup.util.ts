import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { ensureDatabase } from './ensure-database.js';
import { join } from 'node:path';

/**
 * `npm run backup [-- --out DIR]`: a consistent `pg_dump -Fc` of DATABASE_URL (the source of truth;
 * Redis holds nothing that cannot be rebuilt). `npm run restore -- FILE [--into URL]` loads a dump
 * into an empty database (created if missing) or, with --clean, over an existing one.
 */
export async function backup(databaseUrl: string, outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `outreach-${new Date().toISOString().replace(/[:.]/g, '-')}.dump`);
  await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`, databaseUrl]);
  return file;
}

export async function restore(file: string, databaseUrl: string, options: { clean?: boolean } = {}): Promise<void> {
  await ensureDatabase(databaseUrl);
  await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', ...(options.clean ? ['--clean', '--if-exists'] : []), `--dbname=${databaseUrl}`, file]);
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (error) => reject(new Error(`${command} could not start (install postgresql-client): ${error.message}`)));
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${command} exited ${code}: ${stderr.trim()}`))));
  });
}

