/**
 * Forward-only schema migrations, tracked with SQLite's `user_version`.
 * Never edit a shipped migration: append a new one.
 */
import type Database from 'better-sqlite3';

const MIGRATIONS: readonly string[] = [
  // 1: the initial schema. Every row is keyed by (tenant, image) so one image id
  // in two tenants never meets; chats and comments cascade with their parent.
  `
  CREATE TABLE images (
    tenant     TEXT    NOT NULL,
    image      TEXT    NOT NULL,
    epoch      TEXT    NOT NULL,
    seq        INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, image)
  ) WITHOUT ROWID;

  CREATE TABLE chats (
    tenant      TEXT    NOT NULL,
    image       TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    x           REAL    NOT NULL,
    y           REAL    NOT NULL,
    author_id   TEXT    NOT NULL,
    author_name TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    resolved    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, image, id),
    FOREIGN KEY (tenant, image) REFERENCES images (tenant, image) ON DELETE CASCADE
  );

  -- rowid gives the comments' order (new rowids are always above every live one).
  CREATE TABLE comments (
    tenant      TEXT    NOT NULL,
    image       TEXT    NOT NULL,
    chat_id     TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    author_id   TEXT    NOT NULL,
    author_name TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    edited_at   INTEGER,
    UNIQUE (tenant, image, id),
    FOREIGN KEY (tenant, image, chat_id) REFERENCES chats (tenant, image, id) ON DELETE CASCADE
  );
  CREATE INDEX comments_by_chat ON comments (tenant, image, chat_id);

  -- The event log: what replay will read, and the idempotency record.
  CREATE TABLE events (
    tenant       TEXT    NOT NULL,
    image        TEXT    NOT NULL,
    seq          INTEGER NOT NULL,
    type         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    broadcast_id TEXT    NOT NULL,
    actor_id     TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant, image, seq),
    UNIQUE (tenant, image, broadcast_id),
    FOREIGN KEY (tenant, image) REFERENCES images (tenant, image) ON DELETE CASCADE
  ) WITHOUT ROWID;

  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 2: usage per tenant per UTC hour (image '' is the tenant-wide row, the others per image),
  // and the last flush taken from each writer (a node's usage recorder), so a retried flush
  // whose commit was not confirmed is not counted twice.
  `
  CREATE TABLE usage_hours (
    tenant           TEXT    NOT NULL,
    image            TEXT    NOT NULL,
    hour             INTEGER NOT NULL,
    messages         INTEGER NOT NULL,
    bytes            INTEGER NOT NULL,
    creates          INTEGER NOT NULL,
    comments         INTEGER NOT NULL,
    peak_connections INTEGER NOT NULL,
    PRIMARY KEY (tenant, image, hour)
  ) WITHOUT ROWID;
  CREATE INDEX usage_hours_by_tenant_hour ON usage_hours (tenant, hour);
  CREATE INDEX usage_hours_by_hour ON usage_hours (hour);

  CREATE TABLE usage_writers (
    writer     TEXT    PRIMARY KEY,
    seq        INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 3: Where each conversation was started (create-image-chat's page, for the admin API) and
  // when its newest comment was posted, indexed per tenant: the tenant's latest conversations
  // over all its images are read in index order (rowid, the index's hidden last column, breaks
  // ties), never sorted. Existing conversations take their newest comment's time.
  `
  ALTER TABLE chats ADD COLUMN page TEXT;
  ALTER TABLE chats ADD COLUMN last_activity INTEGER NOT NULL DEFAULT 0;
  UPDATE chats SET last_activity = coalesce(
    (SELECT max(m.created_at) FROM comments m WHERE m.tenant = chats.tenant AND m.image = chats.image AND m.chat_id = chats.id),
    created_at);
  CREATE INDEX chats_by_activity ON chats (tenant, last_activity);
  `,
  // 4: Each conversation's number on its image (Chat.number): the image counts the
  // conversations ever created on it, and a new one takes the next count, so a number
  // is never reused and stays when another conversation is deleted. Existing ones are
  // numbered in creation order (the snapshot's order).
  `
  ALTER TABLE images ADD COLUMN chats_made INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE chats ADD COLUMN number INTEGER;
  UPDATE chats SET number = ranked.n
    FROM (SELECT rowid AS r, row_number() OVER (PARTITION BY tenant, image ORDER BY created_at, rowid) AS n FROM chats) AS ranked
    WHERE ranked.r = chats.rowid;
  UPDATE images SET chats_made = coalesce(
    (SELECT max(c.number) FROM chats c WHERE c.tenant = images.tenant AND c.image = images.image), 0);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the schema to `target` (default: the newest; tests stop earlier to check a later migration on old data). */
export function migrate(db: Database.Database, target = MIGRATIONS.length): void {
  for (let version = 0; version < target; version++) {
    // IMMEDIATE takes the write lock first, so two processes opening one file
    // cannot both run the same migration; the version is re-read under the lock.
    db.transaction(() => {
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current > MIGRATIONS.length) {
        throw new Error(
          `the database schema (version ${current}) is newer than this server understands (${MIGRATIONS.length}); upgrade image-chat`,
        );
      }
      if (current !== version) return;
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
