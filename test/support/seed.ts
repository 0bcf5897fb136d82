/** Test helper (not a test): fills an image in a SQLite file before a server process opens it. */
import { randomUUID } from 'node:crypto';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

export async function seedImage(file: string, tenant: string, image: string, conversations: number, textChars: number): Promise<void> {
  const store = new SqliteStore(file);
  const actor = { id: 'g-seed', name: 'Seed', kind: 'guest' as const };
  try {
    for (let i = 0; i < conversations; i++) {
      const text = `${i} `.padEnd(textChars, 'x');
      await store.apply(tenant, image, { type: 'create-image-chat', image, broadcastId: randomUUID(), x: (i % 25) / 25, y: Math.floor(i / 25) / 25, text }, actor);
    }
  } finally {
    await store.close();
  }
}
