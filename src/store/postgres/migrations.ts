/**
 * Forward-only schema migrations for PostgreSQL, counted in the one-row table
 * `image_chat_schema` (SQLite counts them in `user_version`). Never edit a
 * shipped migration: append a new one.
 *
 * Several nodes may start at once: each runs `migrate` in one transaction that
 * first takes a transaction-level advisory lock, so one migrates while the
 * others wait, then find the version current and do nothing. DDL is
 * transactional in PostgreSQL: a failed migration leaves the schema as it was.
 */
import type { Sql } from 'postgres';

const MIGRATIONS: readonly string[] = [
  // 1: the schema of SQLite's first migration. `pos` (an identity column) keeps the
  // order conversations and comments were stored in, as SQLite's rowid does; both are
  // only inserted while the image's row is locked, so it is the image's commit order.
  `
  CREATE TABLE images (
    tenant     text   NOT NULL,
    image      text   NOT NULL,
    epoch      text   NOT NULL,
    seq        bigint NOT NULL DEFAULT 0,
    created_at bigint NOT NULL,
    PRIMARY KEY (tenant, image)
  );

  CREATE TABLE chats (
    tenant      text    NOT NULL,
    image       text    NOT NULL,
    id          text    NOT NULL,
    pos         bigint  GENERATED ALWAYS AS IDENTITY,
    x           double precision NOT NULL,
    y           double precision NOT NULL,
    author_id   text    NOT NULL,
    author_name text    NOT NULL,
    created_at  bigint  NOT NULL,
    resolved    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant, image, id),
    FOREIGN KEY (tenant, image) REFERENCES images (tenant, image) ON DELETE CASCADE
  );
  CREATE INDEX chats_in_order ON chats (tenant, image, pos);
  CREATE INDEX chats_by_tenant ON chats (tenant);

  CREATE TABLE comments (
    tenant      text   NOT NULL,
    image       text   NOT NULL,
    chat_id     text   NOT NULL,
    id          text   NOT NULL,
    pos         bigint GENERATED ALWAYS AS IDENTITY,
    author_id   text   NOT NULL,
    author_name text   NOT NULL,
    text        text   NOT NULL,
    created_at  bigint NOT NULL,
    edited_at   bigint,
    PRIMARY KEY (tenant, image, id),
    FOREIGN KEY (tenant, image, chat_id) REFERENCES chats (tenant, image, id) ON DELETE CASCADE
  );
  CREATE INDEX comments_by_chat ON comments (tenant, image, chat_id, pos);

  -- The event log: what replay reads, and the idempotency record. The payload is the
  -- event's JSON text as broadcast (text, not jsonb, so it reads back byte for byte).
  CREATE TABLE events (
    tenant       text   NOT NULL,
    image        text   NOT NULL,
    seq          bigint NOT NULL,
    type         text   NOT NULL,
    payload      text   NOT NULL,
    broadcast_id text   NOT NULL,
    actor_id     text   NOT NULL,
    created_at   bigint NOT NULL,
    PRIMARY KEY (tenant, image, seq),
    CONSTRAINT events_broadcast_id UNIQUE (tenant, image, broadcast_id),
    FOREIGN KEY (tenant, image) REFERENCES images (tenant, image) ON DELETE CASCADE
  );

  CREATE TABLE meta (
    key   text PRIMARY KEY,
    value text NOT NULL
  );
  `,
  // 2: the usage tables of SQLite's second migration.
  `
  CREATE TABLE usage_hours (
    tenant           text   NOT NULL,
    image            text   NOT NULL,
    hour             bigint NOT NULL,
    messages         bigint NOT NULL,
    bytes            bigint NOT NULL,
    creates          bigint NOT NULL,
    comments         bigint NOT NULL,
    peak_connections bigint NOT NULL,
    PRIMARY KEY (tenant, image, hour)
  );
  CREATE INDEX usage_hours_by_tenant_hour ON usage_hours (tenant, hour);
  CREATE INDEX usage_hours_by_hour ON usage_hours (hour);

  CREATE TABLE usage_writers (
    writer     text   PRIMARY KEY,
    seq        bigint NOT NULL,
    updated_at bigint NOT NULL
  );
  `,
  // 3: As SQLite's: each conversation's page (for the admin API) and its newest comment's time,
  // indexed per tenant so the latest conversations over all images are an index scan
  // (backwards, \`pos\` breaking ties), never a sort. Existing conversations are filled in.
  `
  ALTER TABLE chats ADD COLUMN page text, ADD COLUMN last_activity bigint NOT NULL DEFAULT 0;
  UPDATE chats c SET last_activity = coalesce(
    (SELECT max(m.created_at) FROM comments m WHERE m.tenant = c.tenant AND m.image = c.image AND m.chat_id = c.id),
    c.created_at);
  CREATE INDEX chats_by_activity ON chats (tenant, last_activity, pos);
  `,
  // 4: As SQLite's: each conversation's number on its image, from the image's count of
  // conversations ever created (never reused); existing ones numbered in \`pos\` order.
  `
  ALTER TABLE images ADD COLUMN chats_made integer NOT NULL DEFAULT 0;
  ALTER TABLE chats ADD COLUMN number integer;
  UPDATE chats c SET number = ranked.n
    FROM (SELECT tenant, image, id, row_number() OVER (PARTITION BY tenant, image ORDER BY pos) AS n FROM chats) AS ranked
    WHERE ranked.tenant = c.tenant AND ranked.image = c.image AND ranked.id = c.id;
  UPDATE images i SET chats_made = coalesce(
    (SELECT max(c.number) FROM chats c WHERE c.tenant = i.tenant AND c.image = i.image), 0);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The constraint whose violation means "this broadcastId was stored meanwhile". */
export const BROADCAST_ID_CONSTRAINT = 'events_broadcast_id';

/** Any fixed number: every image-chat node contends for the same one. */
const MIGRATION_LOCK = 0x1c_c4a7;

/** Brings the schema to `target` (default: the newest; tests stop earlier to check a later migration on old data). */
export async function migrate(sql: Sql, target = MIGRATIONS.length): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`CREATE TABLE IF NOT EXISTS image_chat_schema (version integer NOT NULL)`;
    const [row] = await tx<{ version: number }[]>`SELECT version FROM image_chat_schema`;
    const current = row?.version ?? 0;
    if (current > MIGRATIONS.length) {
      throw new Error(
        `the database schema (version ${current}) is newer than this server understands (${MIGRATIONS.length}); upgrade image-chat`,
      );
    }
    for (let version = current; version < target; version++) await tx.unsafe(MIGRATIONS[version]!);
    if (!row) await tx`INSERT INTO image_chat_schema (version) VALUES (${target})`;
    else if (current < target) await tx`UPDATE image_chat_schema SET version = ${target}`;
  });
}
