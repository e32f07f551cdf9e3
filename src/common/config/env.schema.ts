import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/outreach';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** Development-only secrets: production start-up refuses them (see `validateEnv`). */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-in-production';
export const DEV_DEMO_PASSWORD = 'Outreach@2026';

const toBool = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase()) : value;
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : value;

/**
 * Every environment variable the service reads, with its default. Validated once at start;
 * a bad value stops the process with a message naming the variable.
 */
export class Env {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = DEFAULT_DATABASE_URL;

  @Transform(toInt) @IsInt() @Min(1) @Max(500)
  DATABASE_POOL_SIZE = 20;

  @Transform(toInt) @IsInt() @Min(100)
  DATABASE_STATEMENT_TIMEOUT_MS = 15_000;

  /**
   * Shared statements (MicroBatcher: completions, token-user lookups) each batcher runs at once;
   * requests arriving meanwhile join the next one, so fewer slots make larger batches, which cost
   * Postgres less per request (the counter triggers, the plan's start-up and the commit are paid
   * once per batch). On 2 cores (bench complete, 50 connections): 5 and 8 lost to 3 (2026-11-26
   * 16:33–16:38 UTC); at 18:13–18:19 UTC 2 beat 3 — median ratio to the one-UPDATE baseline 0.54 and
   * 0.54 against 0.49 and 0.49 over two series, p99 26–35 ms — and 1 was as fast but erratic
   * (0.41–0.62 per round). 2 also keeps a slot free while one batch waits on a lock.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(100)
  DATABASE_BATCH_CONCURRENCY = 2;

  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = DEFAULT_REDIS_URL;

  /** Namespace of every Redis key the service writes (queues, throttling); lets several installs share one Redis. */
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'REDIS_PREFIX may hold letters, digits, ":", "_" and "-" only' })
  REDIS_PREFIX = 'outreach';

  @Transform(toBool) @IsBoolean()
  RUN_MIGRATIONS = true;

  @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET = DEV_JWT_SECRET;

  @Transform(toInt) @IsInt() @Min(30) @Max(86_400)
  JWT_ACCESS_TTL_SECONDS = 900;

  @Transform(toInt) @IsInt() @Min(60)
  JWT_REFRESH_TTL_SECONDS = 30 * 86_400;

  /** Login attempts per login name (case-insensitive) within LOGIN_THROTTLE_TTL_SECONDS; the next answers 429. */
  @Transform(toInt) @IsInt() @Min(1) @Max(1_000)
  LOGIN_THROTTLE_LIMIT = 10;

  /** Login attempts per client IP within LOGIN_THROTTLE_TTL_SECONDS (offices share one address: keep it generous). */
  @Transform(toInt) @IsInt() @Min(1) @Max(100_000)
  LOGIN_THROTTLE_IP_LIMIT = 100;

  /** Window of the login throttles; a throttled login or IP stays blocked for the same time. */
  @Transform(toInt) @IsInt() @Min(1) @Max(86_400)
  LOGIN_THROTTLE_TTL_SECONDS = 900;

  /** Comma-separated list of origins allowed by CORS; empty = same-origin only. */
  @IsString()
  CORS_ORIGINS = '';

  @Transform(toInt) @IsInt() @Min(1024)
  BODY_LIMIT_BYTES = 1_048_576;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(toBool) @IsBoolean()
  LOG_PRETTY = false;

  /**
   * Every line logged while a request is handled carries its id (AsyncLocalStorage; 13–19% of
   * the API's CPU on Node 20, see registerRequestLogging). Off: the request line, failures and
   * security warnings carry it, other lines (a slow query) do not.
   */
  @Transform(toBool) @IsBoolean()
  LOG_REQUEST_CONTEXT = false;

  @IsString()
  STORAGE_DIR = './storage';

  /** Where proof screenshots are kept: `local` (STORAGE_DIR/proofs) or an S3-compatible bucket. */
  @IsIn(['local', 's3'])
  PROOF_STORAGE: 'local' | 's3' = 'local';

  /** Largest decoded proof image, in pixels (width x height); bigger ones are refused as image bombs. */
  @Transform(toInt) @IsInt() @Min(1_000_000) @Max(268_402_689)
  PROOF_MAX_PIXELS = 40_000_000;

  @IsOptional() @IsString()
  S3_ENDPOINT?: string;

  @IsOptional() @IsString()
  S3_BUCKET?: string;

  @IsString()
  S3_REGION = 'us-east-1';

  @IsOptional() @IsString()
  S3_ACCESS_KEY_ID?: string;

  @IsOptional() @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  /** Path-style addressing (`endpoint/bucket/key`), which MinIO and most S3-compatible stores need. */
  @Transform(toBool) @IsBoolean()
  S3_FORCE_PATH_STYLE = true;

  @IsString() @MinLength(8, { message: 'DEMO_PASSWORD must be at least 8 characters' })
  DEMO_PASSWORD = DEV_DEMO_PASSWORD;

  /** Worker concurrency per queue in one worker process. */
  @Transform(toInt) @IsInt() @Min(1) @Max(64)
  WORKER_CONCURRENCY = 4;

  /** Milliseconds the process waits for in-flight requests and jobs on SIGTERM before it exits anyway. */
  @Transform(toInt) @IsInt() @Min(100) @Max(60_000)
  SHUTDOWN_TIMEOUT_MS = 8_000;

  /** Reminders before a campaign's deadline, e.g. `24h,2h` (units: m, h, d). */
  @Matches(/^(\s*\d+\s*[mhd]\s*)(,\s*\d+\s*[mhd]\s*)*$|^$/, { message: 'REMINDER_OFFSETS must be a comma-separated list like 24h,2h (units m, h, d)' })
  REMINDER_OFFSETS = '24h,2h';

  /** How often the outbox relay polls Postgres for intents to put on the queue. */
  @Transform(toInt) @IsInt() @Min(20) @Max(60_000)
  OUTBOX_POLL_MS = 500;

  /** How often the worker re-checks that every open intent still has its job in Redis. */
  @Transform(toInt) @IsInt() @Min(100) @Max(3_600_000)
  OUTBOX_RECONCILE_MS = 60_000;

  /** How long a job stays claimed by a worker that died (SIGKILL, frozen) before another worker takes it back. */
  @Transform(toInt) @IsInt() @Min(1_000) @Max(600_000)
  QUEUE_LOCK_MS = 30_000;

  /** How often the worker folds the sharded counter rows (campaign progress, report tallies) back into one row per key. */
  @Transform(toInt) @IsInt() @Min(100) @Max(3_600_000)
  COUNTER_FOLD_MS = 60_000;

  /** Organisations per fan-out statement; keeps each statement (and memory) bounded. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100_000)
  FANOUT_CHUNK_ORGANISATIONS = 500;
  /** A fan-out creating at least this many tasks refreshes share_task's planner statistics (ANALYZE) before the launch digests. */
  @Transform(toInt) @IsInt() @Min(1) @Max(1_000_000_000)
  FANOUT_ANALYZE_MIN_TASKS = 100_000;
  /** Hours a built report export is kept before the periodic clean-up removes it. */
  @Transform(toInt) @IsInt() @Min(1) @Max(24 * 365)
  EXPORT_RETENTION_HOURS = 72;

  /** Times the worker tries to build a report export before it is marked failed (errors that cannot succeed are not retried). */
  @Transform(toInt) @IsInt() @Min(1) @Max(20)
  EXPORT_ATTEMPTS = 4;

  /** Wait before the first retry of a failed export; it doubles with each retry (5 s, 10 s, 20 s by default). */
  @Transform(toInt) @IsInt() @Min(10) @Max(3_600_000)
  EXPORT_RETRY_DELAY_MS = 5_000;

  @IsOptional() @IsString()
  TZ_REPORTS = 'Asia/Ho_Chi_Minh';

  // --- notifications ---
  /** `smtp://user:pass@host:587` (or smtps://); unset = e-mail off. */
  @IsOptional() @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsString()
  MAIL_FROM = 'Outreach Coordinator <no-reply@localhost>';

  /** Base URL of Zalo's ZNS API; unset = Zalo off. */
  @IsOptional() @Matches(/^https?:\/\/.+/, { message: 'ZALO_ZNS_BASE_URL must be an http(s) URL' })
  ZALO_ZNS_BASE_URL?: string;

  /** Zalo's OAuth server (token refresh). */
  @Matches(/^https?:\/\/.+/, { message: 'ZALO_OAUTH_BASE_URL must be an http(s) URL' })
  ZALO_OAUTH_BASE_URL = 'https://oauth.zaloapp.com';

  @IsOptional() @IsString()
  ZALO_ZNS_ACCESS_TOKEN?: string;

  @IsOptional() @IsString()
  ZALO_ZNS_REFRESH_TOKEN?: string;

  @IsOptional() @IsString()
  ZALO_APP_ID?: string;

  @IsOptional() @IsString()
  ZALO_APP_SECRET?: string;

  /** JSON map event → approved ZNS template id, e.g. `{"tasks.assigned":"231140"}`; an event without a template is not sent by Zalo. */
  @Matches(/^\s*\{[\s\S]*\}\s*$/, { message: 'ZALO_ZNS_TEMPLATES must be a JSON object of event → template id' })
  ZALO_ZNS_TEMPLATES = '{}';

  /** `HH:MM-HH:MM` in Asia/Ho_Chi_Minh; empty = no quiet hours. */
  @Matches(/^$|^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, { message: 'QUIET_HOURS must be HH:MM-HH:MM or empty' })
  QUIET_HOURS = '21:00-07:00';

  /** Open tasks this many hours before their deadline are escalated to the unit's secretary. */
  @Transform(toInt) @IsInt() @Min(1) @Max(720)
  ESCALATION_HOURS_BEFORE = 24;

  /** A unit below this completion percentage at escalation time is reported to the admins. */
  @Transform(toInt) @IsInt() @Min(0) @Max(100)
  UNIT_BEHIND_PERCENT = 50;

  /** A webhook is disabled after this many consecutive failed deliveries. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100)
  WEBHOOK_MAX_FAILURES = 8;

  /** Attempts at one message on one external channel before it is marked failed. */
  @Transform(toInt) @IsInt() @Min(1) @Max(50)
  NOTIFICATION_MAX_ATTEMPTS = 8;

  /** Per-channel send rates (messages per second, all workers together: BullMQ's queue rate limit). */
  @Transform(toInt) @IsInt() @Min(1) @Max(10_000)
  NOTIFICATION_EMAIL_PER_SECOND = 50;

  @Transform(toInt) @IsInt() @Min(1) @Max(10_000)
  NOTIFICATION_ZALO_PER_SECOND = 100;

  @Transform(toInt) @IsInt() @Min(1) @Max(10_000)
  NOTIFICATION_WEBHOOK_PER_SECOND = 50;

  /** Seconds a worker holds a message it is sending; if it dies mid-send, the message is due again after this. */
  @Transform(toInt) @IsInt() @Min(2) @Max(3_600)
  NOTIFICATION_LEASE_SECONDS = 300;

  /** Local hour (Asia/Ho_Chi_Minh) at which secretaries get their daily summary. */
  @Transform(toInt) @IsInt() @Min(0) @Max(23)
  SECRETARY_SUMMARY_HOUR = 17;
}

export class ConfigValidationError extends Error {}

/** Parses and validates the environment; throws with one line per bad variable. */
export function validateEnv(raw: Record<string, unknown>): Env {
  const env = plainToInstance(Env, stripEmpty(raw), { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false, forbidUnknownValues: false });
  const messages = errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((m) => `  - ${e.property}: ${m}`),
  );
  if (env.NODE_ENV === 'production') {
    if (env.JWT_SECRET === DEV_JWT_SECRET) {
      messages.push('  - JWT_SECRET: the development default is refused in production; set a random secret of 32+ characters');
    }
  }
  if (env.PROOF_STORAGE === 's3' && !env.S3_BUCKET) {
    messages.push('  - S3_BUCKET: required when PROOF_STORAGE=s3');
  }
  if (messages.length > 0) {
    throw new ConfigValidationError(`Invalid configuration:\n${messages.join('\n')}`);
  }
  return env;
}

/** `FOO=` in a .env file means "use the default", not "empty string" — except where empty is meaningful. */
function stripEmpty(raw: Record<string, unknown>): Record<string, unknown> {
  const keepEmpty = new Set(['CORS_ORIGINS', 'QUIET_HOURS']);
  return Object.fromEntries(Object.entries(raw).filter(([k, v]) => v !== '' || keepEmpty.has(k)));
}
