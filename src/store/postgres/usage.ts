/**
 * The usage tables of the PostgreSQL store (migration 2). A batch's rows go in as one
 * multi-row upsert in key order, so nodes adding to the same rows at once queue on the row
 * locks in one order (no deadlock). Sums are cast back to bigint (PostgreSQL's sum of
 * bigint is numeric, which would arrive as a string).
 */
import type { ImageActivity, UsageBatch, UsageHour } from '../store.ts';
import { toImageActivity, toUsageHour, usageRowsInOrder } from '../rows.ts';
import type { ImageActivityRow, UsageHourRow } from '../rows.ts';
import type { Sql } from './postgres-store.ts';

export async function addUsage(sql: Sql, batch: UsageBatch): Promise<boolean> {
  return sql.begin(async (tx) => {
    // No row back when the writer's last batch is this one or later: it was taken already.
    const taken = await tx`
      INSERT INTO usage_writers (writer, seq, updated_at) VALUES (${batch.writer}, ${batch.seq}, ${Date.now()})
      ON CONFLICT (writer) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at
      WHERE usage_writers.seq < excluded.seq
      RETURNING seq`;
    if (taken.length === 0) return false;
    const rows = usageRowsInOrder(batch.rows).map((r) => ({
      tenant: r.tenant,
      image: r.image,
      hour: r.hour,
      messages: r.pubSubMessageCount,
      bytes: r.pubSubBandwidth,
      creates: r.conversationCreateCount,
      comments: r.commentCount,
      peak_connections: r.peakConnections,
    }));
    if (rows.length === 0) return true;
    await tx`
      INSERT INTO usage_hours ${tx(rows, 'tenant', 'image', 'hour', 'messages', 'bytes', 'creates', 'comments', 'peak_connections')}
      ON CONFLICT (tenant, image, hour) DO UPDATE SET
        messages = usage_hours.messages + excluded.messages,
        bytes = usage_hours.bytes + excluded.bytes,
        creates = usage_hours.creates + excluded.creates,
        comments = usage_hours.comments + excluded.comments,
        peak_connections = GREATEST(usage_hours.peak_connections, excluded.peak_connections)`;
    return true;
  });
}

export async function usageSeries(sql: Sql, tenant: string, fromMs: number, toMs: number): Promise<UsageHour[]> {
  const rows = await sql<UsageHourRow[]>`
    SELECT hour, messages, bytes, creates, comments, peak_connections FROM usage_hours
    WHERE tenant = ${tenant} AND image = '' AND hour >= ${fromMs} AND hour < ${toMs} ORDER BY hour`;
  return rows.map(toUsageHour);
}

/** Ties on activity are ordered by image id in code point order (COLLATE "C"), as SQLite's BINARY does. */
export async function imageActivity(sql: Sql, tenant: string, fromMs: number, toMs: number, limit: number): Promise<ImageActivity[]> {
  const rows = await sql<ImageActivityRow[]>`
    SELECT image,
      (SELECT count(*) FROM chats c WHERE c.tenant = ${tenant} AND c.image = u.image) AS conversations,
      sum(messages)::bigint AS messages, sum(bytes)::bigint AS bytes, sum(creates)::bigint AS creates, sum(comments)::bigint AS comments
    FROM usage_hours u
    WHERE tenant = ${tenant} AND image <> '' AND hour >= ${fromMs} AND hour < ${toMs}
    GROUP BY image
    ORDER BY sum(creates) + sum(comments) DESC, sum(messages) DESC, image COLLATE "C"
    LIMIT ${limit}`;
  return rows.map(toImageActivity);
}

export async function pruneUsage(sql: Sql, beforeMs: number): Promise<number> {
  return sql.begin(async (tx) => {
    await tx`DELETE FROM usage_writers WHERE updated_at < ${beforeMs}`;
    return (await tx`DELETE FROM usage_hours WHERE hour < ${beforeMs}`).count;
  });
}
