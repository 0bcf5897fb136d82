/**
 * The element's link to the shared connection: holds one image's chat-list
 * state, turns server messages into state and events, and sends actions
 * optimistically (shown at once, confirmed by the ack, rolled back on error).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AckMessage, ActionMessage, Change, Chat, ChatEvent, User } from '../protocol/messages.ts';
import { ActionError, NOT_ONLINE_MESSAGE, acquireConnection, type Connection, type ImageMessage } from '../sync/connection.ts';
import type { ConnectionState, ConnectionStatus } from '../sync/state.ts';
import {
  EMPTY_CHAT_LIST,
  addPending,
  applyAck,
  applyEvent,
  applySnapshot,
  isOwnEcho,
  rollback,
  view,
  type ChatListState,
  type ChatView,
} from './chat-list.ts';

export type ChangeKind = 'created' | 'updated' | 'deleted';

export interface SyncCallbacks {
  status(status: ConnectionStatus, state: ConnectionState): void;
  /** A conversation was created/updated/deleted; `tempId` is the optimistic id a created one had. */
  change(kind: ChangeKind, chat: Chat, local: boolean, tempId?: string): void;
  error(code: string, message: string): void;
}

export interface SyncTarget {
  readonly server: string;
  readonly tenant: string;
  readonly name: string | undefined;
  readonly image: string;
}

const WHAT: Record<ActionMessage['type'], string> = {
  'create-image-chat': 'Your comment was not posted',
  'update-image-chat': 'Your change was not saved',
  'delete-image-chat': 'The conversation was not deleted',
};

export class ChatSync implements ReactiveController {
  list: ChatListState = EMPTY_CHAT_LIST;
  chats: ChatView[] = [];
  status: ConnectionStatus = 'connecting';
  private connection: Connection | undefined;
  private target: SyncTarget | undefined;
  private generation = 0;
  private cleanup: (() => void)[] = [];

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly on: SyncCallbacks,
  ) {
    host.addController(this);
  }

  get user(): User | undefined {
    return this.connection?.user;
  }

  hostDisconnected(): void {
    this.disconnect();
  }

  /** Connects to the target (no-op when unchanged); an empty image id means nothing to show. */
  connect(target: SyncTarget): void {
    const t = this.target;
    if (t && this.connection && t.server === target.server && t.tenant === target.tenant && t.name === target.name && t.image === target.image) {
      return;
    }
    this.disconnect();
    if (!target.image) return;
    let connection: Connection;
    try {
      connection = acquireConnection(target.server, target.tenant, target.name ? { name: target.name } : {});
    } catch {
      this.setState({ status: 'offline', attempt: 0, reason: `"${target.server}" is not a server address.`, retry: false });
      return;
    }
    this.target = target;
    this.connection = connection;
    this.cleanup = [
      connection.onStatus((s) => this.setState(s)),
      connection.subscribe(target.image, (m) => this.receive(m)),
      connection.onNotice((e) => this.on.error(e.code, e.message)),
    ];
    this.setState(connection.state);
  }

  disconnect(): void {
    this.generation++;
    for (const off of this.cleanup) off();
    this.cleanup = [];
    this.connection?.release();
    this.connection = undefined;
    this.target = undefined;
    this.list = EMPTY_CHAT_LIST;
    this.chats = [];
    this.host.requestUpdate();
  }

  create(x: number, y: number, text: string): string | undefined {
    const image = this.target?.image ?? '';
    return this.act({ type: 'create-image-chat', image, broadcastId: crypto.randomUUID(), x, y, text });
  }

  update(chatId: string, change: Change): string | undefined {
    const image = this.target?.image ?? '';
    return this.act({ type: 'update-image-chat', image, broadcastId: crypto.randomUUID(), chatId, change });
  }

  remove(chatId: string): string | undefined {
    const image = this.target?.image ?? '';
    return this.act({ type: 'delete-image-chat', image, broadcastId: crypto.randomUUID(), chatId });
  }

  private setState(state: ConnectionState): void {
    if (state.status === this.status) return;
    this.status = state.status;
    this.on.status(state.status, state);
    this.host.requestUpdate();
  }

  private setList(list: ChatListState): void {
    this.list = list;
    this.chats = view(list);
    this.host.requestUpdate();
  }

  private receive(m: ImageMessage): void {
    if (m.type === 'snapshot') return this.setList(applySnapshot(this.list, m));
    if (m.type === 'replay') {
      for (const e of m.events) this.receiveEvent(e);
      return;
    }
    this.receiveEvent(m);
  }

  private receiveEvent(e: ChatEvent): void {
    const own = isOwnEcho(this.list, e);
    const id = e.type === 'new-image-chat' ? e.chat.id : e.chatId;
    const before = this.list.confirmed.get(id)?.chat;
    const seqBefore = this.list.seq;
    this.setList(applyEvent(this.list, e));
    if (own || (this.list.seq === seqBefore && e.seq <= seqBefore)) return;
    if (e.type === 'deleted-image-chat') {
      if (before) this.on.change('deleted', before, false);
    } else {
      const after = this.list.confirmed.get(id)?.chat;
      if (after) this.on.change(e.type === 'new-image-chat' ? 'created' : 'updated', after, false);
    }
  }

  private act(action: ActionMessage): string | undefined {
    const connection = this.connection;
    const user = connection?.user;
    if (!connection || !user || connection.status !== 'online') return this.fail('unavailable', NOT_ONLINE_MESSAGE);
    let sent: Promise<AckMessage>;
    try {
      sent = connection.send(action);
    } catch (e) {
      return this.fail('unavailable', e instanceof Error ? e.message : NOT_ONLINE_MESSAGE);
    }
    const generation = this.generation;
    const before = action.type === 'create-image-chat' ? undefined : this.chats.find((c) => c.id === action.chatId);
    this.setList(addPending(this.list, action, { id: user.id, name: user.name }, Date.now()));
    sent.then(
      (ack) => {
        if (generation !== this.generation) return;
        this.setList(applyAck(this.list, ack));
        const chat = ack.chat ?? before;
        const kind = action.type === 'create-image-chat' ? 'created' : action.type === 'update-image-chat' ? 'updated' : 'deleted';
        if (chat) this.on.change(kind, chat, true, action.type === 'create-image-chat' ? action.broadcastId : undefined);
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.setList(rollback(this.list, action.broadcastId));
        const code = error instanceof ActionError ? error.code : 'unavailable';
        const message = error instanceof Error ? error.message : String(error);
        this.fail(code, `${WHAT[action.type]}: ${message}`);
      },
    );
    return undefined;
  }

  private fail(code: string, message: string): string {
    this.on.error(code, message);
    return message;
  }
}
