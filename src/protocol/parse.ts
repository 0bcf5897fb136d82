/**
 * The one parser the server runs on every client frame. Strict: an unknown
 * type, a missing or extra field, a wrong type, a coordinate outside 0..1 or
 * not finite, or a text that is empty or too long is refused with a reason.
 */
import type { Change, ClientMessage, ErrorFacts, SeqPosition } from './messages.ts';
import {
  MAX_BATCH,
  MAX_ID_CHARS,
  MAX_IMAGE_ID_CHARS,
  MAX_NAME_CHARS,
  MAX_PAGE_CHARS,
  MAX_TEXT_CHARS,
  MAX_TOKEN_CHARS,
  textLength,
  unprintable,
} from './limits.ts';

export type Parsed =
  | { readonly ok: true; readonly message: ClientMessage }
  | { readonly ok: false; readonly message: string; readonly broadcastId?: string; readonly facts: Omit<ErrorFacts, 'code'> };

/** Any malformed message: the widget never sends one, so one word is enough. */
const MALFORMED = { reason: 'invalid-message' } as const;

class Invalid extends Error {
  constructor(
    message: string,
    readonly facts: Omit<ErrorFacts, 'code'> = MALFORMED,
  ) {
    super(message);
  }
}

type Reader<T> = (value: unknown, field: string) => T;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SAFE_ID = /^[A-Za-z0-9_-]+$/;

function fail(message: string): never {
  throw new Invalid(message);
}

const string =
  (min: number, max: number, what = 'characters'): Reader<string> =>
  (value, field) => {
    if (typeof value !== 'string') fail(`${field} must be a string`);
    if (value.length > max * 2 || textLength(value) > max) fail(`${field} is longer than ${max} ${what}`);
    if (textLength(value) < min) fail(`${field} must not be empty`);
    return value;
  };

/** A message text or a display name: printable, newlines and tabs allowed. */
const printable =
  (max: number): Reader<string> =>
  (value, field) => {
    const s = string(1, max)(value, field);
    const why = unprintable(s);
    if (why) fail(`${field} ${why}`);
    return s;
  };

const text: Reader<string> = (value, field) => {
  // The one refusal here a person can meet by typing (in a widget that does not check first): said with its limit.
  if (typeof value === 'string' && (value.length > MAX_TEXT_CHARS * 2 || textLength(value) > MAX_TEXT_CHARS)) {
    throw new Invalid(`${field} is longer than ${MAX_TEXT_CHARS} characters`, { reason: 'text-too-long', limit: MAX_TEXT_CHARS });
  }
  const s = printable(MAX_TEXT_CHARS)(value, field);
  if (s.trim() === '') fail(`${field} must not be empty`);
  return s;
};

const imageId: Reader<string> = (value, field) => {
  const s = string(1, MAX_IMAGE_ID_CHARS)(value, field);
  if (/[\u0000-\u001f]/.test(s)) fail(`${field} must not contain control characters`);
  return s;
};

/** Why `value` is not a valid image id, or undefined: the rule of every message's `image`, for the HTTP routes. */
export function imageIdProblem(value: string): string | undefined {
  try {
    imageId(value, 'the image id');
    return undefined;
  } catch (e) {
    if (e instanceof Invalid) return e.message;
    throw e;
  }
}

const serverId: Reader<string> = (value, field) => {
  const s = string(1, MAX_ID_CHARS)(value, field);
  if (!SAFE_ID.test(s)) fail(`${field} is not a valid id`);
  return s;
};

const uuid: Reader<string> = (value, field) => {
  if (typeof value !== 'string' || !UUID.test(value)) fail(`${field} must be a UUID`);
  return value.toLowerCase();
};

const fraction: Reader<number> = (value, field) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${field} must be a finite number`);
  if (value < 0 || value > 1) fail(`${field} must be between 0 and 1`);
  return value;
};

/**
 * The page a conversation was started on, as kept: an absolute http(s) URL
 * without its hash (a fragment is the page's own state, often a token) or
 * user:password, at most MAX_PAGE_CHARS long once normalised; anything else is
 * undefined. Never a refusal: the conversation matters more than where it
 * was started, and an old or odd page must not lose a visitor's comment.
 */
export function pageUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_PAGE_CHARS * 2) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  url.username = '';
  url.password = '';
  return url.href.length <= MAX_PAGE_CHARS ? url.href : undefined;
}

const boolean: Reader<boolean> = (value, field) => {
  if (typeof value !== 'boolean') fail(`${field} must be true or false`);
  return value;
};

const seq: Reader<number> = (value, field) => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(`${field} must be a whole number of at least 0`);
  }
  return value;
};

/** A plain JSON object, with exactly the allowed keys (own keys only, so `__proto__` counts as extra). */
function record(value: unknown, field: string, required: string[], optional: string[] = []) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${field} must be an object`);
  const obj = value as Record<string, unknown>;
  const allowed = new Set([...required, ...optional]);
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) fail(`${field === 'message' ? '' : field + '.'}${key} is not an allowed field`);
  }
  for (const key of required) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) fail(`${field === 'message' ? '' : field + '.'}${key} is missing`);
  }
  return (key: string) => (Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined);
}

function since(value: unknown): SeqPosition {
  const get = record(value, 'since', ['epoch', 'seq']);
  return { epoch: string(1, MAX_ID_CHARS)(get('epoch'), 'since.epoch'), seq: seq(get('seq'), 'since.seq') };
}

function change(value: unknown): Change {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('change must be an object');
  const kind = (value as Record<string, unknown>).kind;
  switch (kind) {
    case 'add-comment': {
      const get = record(value, 'change', ['kind', 'text']);
      return { kind, text: text(get('text'), 'change.text') };
    }
    case 'edit-comment': {
      const get = record(value, 'change', ['kind', 'commentId', 'text']);
      return { kind, commentId: serverId(get('commentId'), 'change.commentId'), text: text(get('text'), 'change.text') };
    }
    case 'delete-comment': {
      const get = record(value, 'change', ['kind', 'commentId']);
      return { kind, commentId: serverId(get('commentId'), 'change.commentId') };
    }
    case 'move': {
      const get = record(value, 'change', ['kind', 'x', 'y']);
      return { kind, x: fraction(get('x'), 'change.x'), y: fraction(get('y'), 'change.y') };
    }
    case 'resolve': {
      const get = record(value, 'change', ['kind', 'resolved']);
      return { kind, resolved: boolean(get('resolved'), 'change.resolved') };
    }
    default:
      return fail('change.kind must be one of add-comment, edit-comment, delete-comment, move, resolve');
  }
}

function message(value: unknown): ClientMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('a message must be a JSON object');
  const type = (value as Record<string, unknown>).type;
  switch (type) {
    case 'hello': {
      const get = record(value, 'message', ['type'], ['token', 'guest', 'name', 'readonly']);
      const out: { type: 'hello'; token?: string; guest?: string; name?: string; readonly?: boolean } = { type };
      if (get('readonly') !== undefined) out.readonly = boolean(get('readonly'), 'readonly');
      if (get('token') !== undefined) out.token = string(1, MAX_TOKEN_CHARS)(get('token'), 'token');
      if (get('guest') !== undefined) out.guest = string(1, MAX_TOKEN_CHARS)(get('guest'), 'guest');
      if (get('name') !== undefined) {
        out.name = printable(MAX_NAME_CHARS)(get('name'), 'name').trim();
        if (out.name === '') fail('name must not be empty');
      }
      return out;
    }
    case 'subscribe': {
      const get = record(value, 'message', ['type', 'image'], ['since']);
      const image = imageId(get('image'), 'image');
      return get('since') === undefined ? { type, image } : { type, image, since: since(get('since')) };
    }
    case 'unsubscribe': {
      const get = record(value, 'message', ['type', 'image']);
      return { type, image: imageId(get('image'), 'image') };
    }
    case 'create-image-chat': {
      const get = record(value, 'message', ['type', 'image', 'broadcastId', 'x', 'y', 'text'], ['page']);
      const page = pageUrl(get('page'));
      return {
        type,
        image: imageId(get('image'), 'image'),
        broadcastId: uuid(get('broadcastId'), 'broadcastId'),
        x: fraction(get('x'), 'x'),
        y: fraction(get('y'), 'y'),
        text: text(get('text'), 'text'),
        ...(page === undefined ? {} : { page }),
      };
    }
    case 'update-image-chat': {
      const get = record(value, 'message', ['type', 'image', 'broadcastId', 'chatId', 'change']);
      return {
        type,
        image: imageId(get('image'), 'image'),
        broadcastId: uuid(get('broadcastId'), 'broadcastId'),
        chatId: serverId(get('chatId'), 'chatId'),
        change: change(get('change')),
      };
    }
    case 'delete-image-chat': {
      const get = record(value, 'message', ['type', 'image', 'broadcastId', 'chatId']);
      return {
        type,
        image: imageId(get('image'), 'image'),
        broadcastId: uuid(get('broadcastId'), 'broadcastId'),
        chatId: serverId(get('chatId'), 'chatId'),
      };
    }
    case 'presence': {
      const get = record(value, 'message', ['type', 'image', 'here']);
      return { type, image: imageId(get('image'), 'image'), here: boolean(get('here'), 'here') };
    }
    case 'typing': {
      const get = record(value, 'message', ['type', 'image', 'chatId'], ['stop']);
      const out = { type, image: imageId(get('image'), 'image'), chatId: serverId(get('chatId'), 'chatId') };
      if (get('stop') === undefined) return out;
      if (get('stop') !== true) fail('stop must be true when given');
      return { ...out, stop: true };
    }
    case 'ping':
      record(value, 'message', ['type']);
      return { type };
    default:
      return fail(typeof type === 'string' ? `unknown message type "${type.slice(0, 40)}"` : 'type must be a string');
  }
}

/** The broadcastId of a refused action, when it is well formed, so the client can roll back. */
function broadcastIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = Object.prototype.hasOwnProperty.call(value, 'broadcastId')
    ? (value as Record<string, unknown>).broadcastId
    : undefined;
  return typeof id === 'string' && UUID.test(id) ? id.toLowerCase() : undefined;
}

/** Parses one decoded JSON value as a single client message. */
export function parseClientMessage(value: unknown): Parsed {
  try {
    return { ok: true, message: message(value) };
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    const broadcastId = broadcastIdOf(value);
    return broadcastId ? { ok: false, message: e.message, broadcastId, facts: e.facts } : { ok: false, message: e.message, facts: e.facts };
  }
}

/** Parses a text frame: one message, or a JSON array of them. Each entry is judged on its own. */
export function parseClientFrame(frame: string): Parsed[] {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return [{ ok: false, message: 'the frame is not valid JSON', facts: MALFORMED }];
  }
  if (!Array.isArray(value)) return [parseClientMessage(value)];
  if (value.length === 0) return [{ ok: false, message: 'a batch must hold at least one message', facts: MALFORMED }];
  if (value.length > MAX_BATCH) return [{ ok: false, message: `a batch holds at most ${MAX_BATCH} messages`, facts: MALFORMED }];
  return value.map(parseClientMessage);
}
