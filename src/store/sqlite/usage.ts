/** The usage tables of the SQLite store (migration 2): the statements, prepared once per store. */
import type Database from 'better-sqlite3';
import type { ImageActivity, UsageBatch, UsageHour } from '../store.ts';
import { toImageActivity, toUsageHour, usageRowsInOrder } from '../rows.ts';
import type { ImageActivityRow, UsageHourRow } from '../rows.ts';

export class SqliteUsage {
  private readonly q;

  constructor(private readonly db: Database.Database) {
    this.q = {
      // No row back when the writer's last batch is this one or later: it was taken already.
      takeBatch: db.prepare<[string, number, number], { seq: number }>(
        `INSERT INTO usage_writers (writer, seq, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (writer) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at
         WHERE usage_writers.seq < excluded.seq
         RETURNING seq`,
      ),
      add: db.prepare<[string, string, number, number, number, number, number, number]>(
        `INSERT INTO usage_hours (tenant, image, hour, messages, bytes, creates, comments, peak_connections)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant, image, hour) DO UPDATE SET
           messages = messages + excluded.messages,
           bytes = bytes + excluded.bytes,
           creates = creates + excluded.creates,
           comments = comments + excluded.comments,
           peak_connections = max(peak_connections, excluded.peak_connections)`,
      ),
      series: db.prepare<[string, number, number], UsageHourRow>(
        `SELECT hour, messages, bytes, creates, comments, peak_connections FROM usage_hours
         WHERE tenant = ? AND image = '' AND hour >= ? AND hour < ? ORDER BY hour`,
      ),
      images: db.prepare<[string, string, number, number, number], ImageActivityRow>(
        `SELECT image,
           (SELECT count(*) FROM chats c WHERE c.tenant = ? AND c.image = u.image) AS conversations,
           sum(messages) AS messages, sum(bytes) AS bytes, sum(creates) AS creates, sum(comments) AS comments
         FROM usage_hours u
         WHERE tenant = ? AND image <> '' AND hour >= ? AND hour < ?
         GROUP BY image
         ORDER BY sum(creates) + sum(comments) DESC, sum(messages) DESC, image
         LIMIT ?`,
      ),
      pruneHours: db.prepare<[number]>('DELETE FROM usage_hours WHERE hour < ?'),
      pruneWriters: db.prepare<[number]>('DELETE FROM usage_writers WHERE updated_at < ?'),
    };
  }

  add(batch: UsageBatch): boolean {
    return this.db.transaction((): boolean => {
      if (!this.q.takeBatch.get(batch.writer, batch.seq, Date.now())) return false;
      for (const r of usageRowsInOrder(batch.rows)) {
        this.q.add.run(r.tenant, r.image, r.hour, r.pubSubMessageCount, r.pubSubBandwidth, r.conversationCreateCount, r.commentCount, r.peakConnections);
      }
      return true;
    }).immediate();
  }

  series(tenant: string, fromMs: number, toMs: number): UsageHour[] {
    return this.q.series.all(tenant, fromMs, toMs).map(toUsageHour);
  }

  images(tenant: string, fromMs: number, toMs: number, limit: number): ImageActivity[] {
    return this.q.images.all(tenant, tenant, fromMs, toMs, limit).map(toImageActivity);
  }

  prune(beforeMs: number): number {
    return this.db.transaction((): number => {
      this.q.pruneWriters.run(beforeMs);
      return this.q.pruneHours.run(beforeMs).changes;
    }).immediate();
  }
}
