// A fresh in-memory IndexedDB for every test, and no connection held over from the one before.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach } from 'vitest';
import { forget } from '../src/lib/db.js';

beforeEach(async () => {
  await forget();
  globalThis.indexedDB = new IDBFactory();
});
