/**
 * A fake Lark Open API on 127.0.0.1:<random port> for the real SDK to talk
 * to (`domain: fake.url`). It implements the endpoints in
 * ../shared/docs/lark-platform.md with `{code, msg, data}` bodies: tenant
 * token, send, reply, PATCH card, chats, chat members, bot info, image/file
 * upload, reading a message and downloading a file a user sent (registerFile). It checks Bearer tokens, dedupes on `uuid` for an hour, can fail on
 * demand (429 with x-ogw-ratelimit-reset, 5xx, any business code, revoked
 * tokens), can enforce rate limits, and records every message it accepted
 * (cards, text, and file messages naming an uploaded file_key).
 *
 * Card checks follow our reading of card JSON 2.0 (known tags and
 * properties; unknown ones are rejected as Lark does with 230099). They catch
 * renderer regressions; they are not proof of what the real platform accepts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeChat {
  chatId: string;
  name: string;
  members: Array<{ openId: string; name: string }>;
}

export interface SentRecord {
  messageId: string;
  /** Chat the message landed in; `p2p:<open_id>` for sends by open_id. */
  chatId: string;
  receiveIdType: string;
  msgType: string;
  /** Parsed `content` (card object, `{text}` or `{file_key}`). */
  content: unknown;
  rawContent: string;
  uuid?: string;
  /** The message answered, for replies. */
  replyTo?: string;
  time: number;
}

export interface Failure {
  status: number;
  code: number;
  msg?: string;
  headers?: Record<string, string>;
}

export interface CallRecord {
  method: string;
  path: string;
  status: number;
  code: number;
  time: number;
}

export interface RateLimits {
  /** Send/reply per app per second (Lark: 50). */
  appPerSecond?: number;
  /** Send/reply per app per minute (Lark: 1000). */
  appPerMinute?: number;
  /** Send/reply per chat per second (Lark: 5, shared by every bot in the chat). */
  chatPerSecond?: number;
  /** Multiplies every window length, to make limits bite sooner or later in tests. */
  windowScale?: number;
}

export interface FakeLarkOptions {
  appId?: string;
  appSecret?: string;
  bot?: { openId: string; name: string };
  tokenTtlSeconds?: number;
  /** Delay before answering a token request (makes concurrent cold calls overlap). */
  tokenDelayMs?: number;
  chats?: FakeChat[];
  rateLimits?: RateLimits;
  /** Called for every accepted message (benchmarks time replies with it). */
  onSent?: (r: SentRecord) => void;
}

export interface FakeLark {
  readonly url: string;
  readonly port: number;
  readonly appId: string;
  readonly appSecret: string;
  readonly bot: { openId: string; name: string };
  /** Every message accepted (uuid repeats are not recorded twice). */
  readonly sent: SentRecord[];
  /** Sends that repeated an earlier uuid within its hour: Lark drops them, a fault test counts them as re-sends. */
  readonly uuidRepeats: Array<{ uuid: string; chatId: string; time: number }>;
  readonly updates: Array<{ messageId: string; content: unknown; time: number }>;
  /** Every accepted upload, with the bytes received. */
  readonly uploads: Array<{ kind: 'image' | 'file'; fields: Record<string, string>; bytes: number; data: Buffer; key: string }>;
  readonly calls: CallRecord[];
  readonly tokenRequests: number;
  addChat(chat: FakeChat): void;
  /** Make an incoming message known so the bot can reply to it. */
  registerMessage(messageId: string, chatId: string): void;
  /**
   * A file message a user sent: the bot can reply to it, read it (GET
   * message) and download its bytes (GET …/resources/:file_key?type=file).
   * `chunked` leaves out Content-Length, as a streaming server may.
   */
  registerFile(spec: { messageId: string; chatId: string; fileName: string; data: Buffer; fileKey?: string; chunked?: boolean }): { fileKey: string };
  /** Every resource download served: message, key, bytes. */
  readonly downloads: Array<{ messageId: string; fileKey: string; bytes: number }>;
  /** The next `times` requests matching fail with `failure`. */
  failNext(match: { method?: string; path: string | RegExp }, failure: Failure, times?: number): void;
  /** Every request matching fails with `failure` for the next `ms` milliseconds (an outage, a 429 storm). */
  failFor(match: { method?: string; path: string | RegExp }, failure: Failure, ms: number): void;
  /** Every issued token becomes invalid (next business call: 99991663). */
  revokeTokens(): void;
  sentTo(chatId: string): SentRecord[];
  /** Long-connection clients currently attached (WSClient). */
  readonly wsClients: number;
  /**
   * Push one event over the long connection as the platform does and resolve
   * with the client's answer frame payload ({code, data?}).
   */
  pushWsEvent(envelope: unknown, timeoutMs?: number): Promise<{ code: number; data?: unknown }>;
  /** Resolves once at least n messages were accepted; rejects after timeoutMs. */
  waitForSent(n: number, timeoutMs?: number): Promise<SentRecord[]>;
  close(): Promise<void>;
}

export const FAKE_APP_ID = 'cli_a1b2c3d4e5f60718';
export const FAKE_APP_SECRET = 'fake-secret-0123456789';
export const FAKE_BOT = { openId: 'ou_bot000000000000000000000000000001', name: '督办' };

const CARD_LIMIT = 30 * 1024;
const TEXT_LIMIT = 150 * 1024;
const UUID_WINDOW_MS = 60 * 60 * 1000;

const hex = (n: number) => randomBytes(n).toString('hex');

/** A route's answer that is raw bytes (resource downloads), not a JSON body. */
class BinaryBody {
  constructor(
    readonly data: Buffer,
    readonly chunked = false,
  ) {}
}

class HttpError extends Error {
  constructor(readonly failure: Failure) {
    super(failure.msg ?? String(failure.code));
  }
}

function bad(code: number, msg: string, status = 400): never {
  throw new HttpError({ status, code, msg });
}

// ---- card JSON 2.0 checks -------------------------------------------------

const ELEMENT_KEYS: Record<string, readonly string[]> = {
  markdown: ['tag', 'element_id', 'content', 'text_align', 'text_size', 'margin', 'icon'],
  hr: ['tag', 'element_id', 'margin'],
  table: ['tag', 'element_id', 'margin', 'page_size', 'row_height', 'row_max_height', 'freeze_first_column', 'header_style', 'columns', 'rows'],
  column_set: ['tag', 'element_id', 'margin', 'flex_mode', 'horizontal_spacing', 'horizontal_align', 'background_style', 'columns'],
  button: ['tag', 'element_id', 'margin', 'type', 'size', 'width', 'text', 'icon', 'disabled', 'disabled_tips', 'confirm', 'behaviors', 'hover_tips', 'name', 'form_action_type'],
  div: ['tag', 'element_id', 'margin', 'text', 'icon'],
  chart: ['tag', 'element_id', 'margin', 'aspect_ratio', 'color_theme', 'chart_spec', 'preview', 'height'],
  form: ['tag', 'element_id', 'margin', 'padding', 'name', 'elements', 'direction', 'horizontal_spacing', 'horizontal_align', 'vertical_spacing', 'vertical_align'],
  input: [
    'tag', 'element_id', 'margin', 'name', 'required', 'disabled', 'placeholder', 'default_value', 'width', 'max_length',
    'input_type', 'show_icon', 'rows', 'auto_resize', 'max_rows', 'label', 'label_position', 'value', 'confirm', 'behaviors', 'disabled_tips',
  ],
};
const ASPECT_RATIOS = new Set(['1:1', '2:1', '4:3', '16:9']);
const COLUMN_KEYS = ['tag', 'element_id', 'width', 'weight', 'vertical_align', 'vertical_spacing', 'horizontal_align', 'padding', 'background_style', 'elements', 'direction'];
const TABLE_COLUMN_KEYS = ['name', 'display_name', 'data_type', 'width', 'horizontal_align', 'vertical_align', 'format', 'date_format'];
const TEMPLATES = new Set(['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default']);

function onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) bad(230099, `card build failed: unknown property ${where}.${k}`);
}

/** Where an element sits: inside a form or not, and the names taken so far in the card. */
interface ElementScope {
  inForm: boolean;
  names: Set<string>;
}

/** Form parts are named, and a name is taken once per card. */
function takeName(e: Record<string, unknown>, scope: ElementScope, where: string): void {
  if (typeof e.name !== 'string' || !e.name) bad(230099, `card build failed: ${where}.name is required in a form`);
  if (scope.names.has(e.name as string)) bad(230099, `card build failed: ${where}.name ${String(e.name)} is not unique in the card`);
  scope.names.add(e.name as string);
}

function checkElement(el: unknown, where: string, scope: ElementScope): void {
  if (!el || typeof el !== 'object') bad(230099, `card build failed: ${where} not an object`);
  const e = el as Record<string, unknown>;
  const keys = ELEMENT_KEYS[String(e.tag)];
  if (!keys) bad(230099, `card build failed: unknown tag ${String(e.tag)} at ${where}`);
  onlyKeys(e, keys!, where);
  if (e.tag === 'form') {
    if (scope.inForm) bad(230099, `card build failed: ${where} form inside a form`);
    takeName(e, scope, where);
    if (!Array.isArray(e.elements) || e.elements.length === 0) bad(230099, `card build failed: ${where}.elements`);
    (e.elements as unknown[]).forEach((x, j) => checkElement(x, `${where}.elements[${j}]`, { ...scope, inForm: true }));
  }
  if (e.tag === 'input') {
    if (scope.inForm) takeName(e, scope, where);
    const p = e.placeholder as Record<string, unknown> | undefined;
    if (p !== undefined && (!p || p.tag !== 'plain_text' || typeof p.content !== 'string')) bad(230099, `card build failed: ${where}.placeholder`);
    const max = e.max_length;
    if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 1000)) bad(230099, `card build failed: ${where}.max_length`);
    if (e.required !== undefined && typeof e.required !== 'boolean') bad(230099, `card build failed: ${where}.required`);
  }
  if (e.tag === 'markdown' && typeof e.content !== 'string') bad(230099, `card build failed: ${where}.content`);
  if (e.tag === 'column_set') {
    if (!Array.isArray(e.columns)) bad(230099, `card build failed: ${where}.columns`);
    (e.columns as unknown[]).forEach((c, i) => {
      const col = c as Record<string, unknown>;
      if (col.tag !== 'column') bad(230099, `card build failed: ${where}.columns[${i}].tag`);
      onlyKeys(col, COLUMN_KEYS, `${where}.columns[${i}]`);
      ((col.elements as unknown[]) ?? []).forEach((x, j) => checkElement(x, `${where}.columns[${i}].elements[${j}]`, scope));
    });
  }
  if (e.tag === 'table') {
    if (!Array.isArray(e.columns) || !Array.isArray(e.rows)) bad(230099, `card build failed: ${where} columns/rows`);
    const names = new Set<string>();
    (e.columns as Array<Record<string, unknown>>).forEach((c, i) => {
      onlyKeys(c, TABLE_COLUMN_KEYS, `${where}.columns[${i}]`);
      names.add(String(c.name));
    });
    (e.rows as Array<Record<string, unknown>>).forEach((r, i) => {
      for (const k of Object.keys(r)) if (!names.has(k)) bad(230099, `card build failed: ${where}.rows[${i}].${k}`);
    });
    const ps = e.page_size;
    if (ps !== undefined && (typeof ps !== 'number' || ps < 1 || ps > 10)) bad(230099, `card build failed: ${where}.page_size`);
  }
  if (e.tag === 'chart') {
    // chart_spec is a VChart spec: JSON, an object with a chart type at least.
    const spec = e.chart_spec as Record<string, unknown> | undefined;
    if (!spec || typeof spec !== 'object' || Array.isArray(spec) || typeof spec.type !== 'string' || !spec.type) {
      bad(230099, `card build failed: ${where}.chart_spec needs an object with a type`);
    }
    if (e.aspect_ratio !== undefined && !ASPECT_RATIOS.has(String(e.aspect_ratio))) bad(230099, `card build failed: ${where}.aspect_ratio`);
  }
  if (e.tag === 'button') {
    const t = e.text as Record<string, unknown> | undefined;
    if (!t || t.tag !== 'plain_text' || typeof t.content !== 'string') bad(230099, `card build failed: ${where}.text`);
    for (const b of (e.behaviors as Array<Record<string, unknown>>) ?? []) {
      if (b.type !== 'callback' && b.type !== 'open_url') bad(230099, `card build failed: ${where}.behaviors`);
    }
    if (e.form_action_type !== undefined) {
      if (!['submit', 'reset'].includes(String(e.form_action_type))) bad(230099, `card build failed: ${where}.form_action_type`);
      if (!scope.inForm) bad(230099, `card build failed: ${where} submits no form (not inside one)`);
      takeName(e, scope, where);
    }
  }
}

/** Throws HttpError(230099) for a card our reading of JSON 2.0 rejects. */
export function checkCard(card: unknown): void {
  if (!card || typeof card !== 'object') bad(230099, 'card build failed: not an object');
  const c = card as Record<string, unknown>;
  onlyKeys(c, ['schema', 'config', 'header', 'body', 'card_link'], 'card');
  if (c.schema !== '2.0') bad(230099, 'card build failed: schema');
  if (c.header !== undefined) {
    const h = c.header as Record<string, unknown>;
    onlyKeys(h, ['title', 'subtitle', 'template', 'icon', 'text_tag_list', 'padding'], 'header');
    const title = h.title as Record<string, unknown> | undefined;
    if (!title || title.tag !== 'plain_text' || typeof title.content !== 'string') bad(230099, 'card build failed: header.title');
    if (h.template !== undefined && !TEMPLATES.has(String(h.template))) bad(230099, 'card build failed: header.template');
  }
  const body = c.body as Record<string, unknown> | undefined;
  if (!body || !Array.isArray(body.elements)) bad(230099, 'card build failed: body.elements');
  onlyKeys(body!, ['elements', 'direction', 'padding', 'horizontal_spacing', 'vertical_spacing'], 'body');
  const scope: ElementScope = { inForm: false, names: new Set() };
  (body!.elements as unknown[]).forEach((el, i) => checkElement(el, `body.elements[${i}]`, scope));
}

// ---- multipart (uploads) --------------------------------------------------

function parseMultipart(body: Buffer, contentType: string): { fields: Record<string, string>; fileBytes: number; data: Buffer } {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) bad(234001, 'invalid multipart');
  const boundary = Buffer.from(`--${m![1] ?? m![2]}`);
  const fields: Record<string, string> = {};
  let fileBytes = 0;
  const files: Buffer[] = [];
  let pos = body.indexOf(boundary);
  for (let guard = 0; pos >= 0 && guard < 100; guard += 1) {
    const next = body.indexOf(boundary, pos + boundary.length);
    if (next < 0) break;
    const part = body.subarray(pos + boundary.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const name = /name="([^"]*)"/.exec(head)?.[1] ?? '';
    if (/filename=|content-type: application\/octet-stream/i.test(head)) {
      fileBytes += content.length;
      files.push(Buffer.from(content));
    } else fields[name] = content.toString('utf8');
    pos = next;
  }
  return { fields, fileBytes, data: Buffer.concat(files) };
}

// ---- long connection: pbbp2.Frame over WebSocket, both by hand ------------

interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  /** 0 control (ping/pong), 1 data (event/card). */
  method: number;
  headers: Array<{ key: string; value: string }>;
  payload?: Buffer;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Buffer.from(out);
}

const field = (no: number, wire: number) => varint((no << 3) | wire);
const lenDelim = (no: number, b: Buffer) => Buffer.concat([field(no, 2), varint(b.length), b]);

export function encodeFrame(f: Frame): Buffer {
  const parts = [field(1, 0), varint(f.SeqID), field(2, 0), varint(f.LogID), field(3, 0), varint(f.service), field(4, 0), varint(f.method)];
  for (const h of f.headers) parts.push(lenDelim(5, Buffer.concat([lenDelim(1, Buffer.from(h.key)), lenDelim(2, Buffer.from(h.value))])));
  if (f.payload) parts.push(lenDelim(8, f.payload));
  return Buffer.concat(parts);
}

function readFields(buf: Buffer): Array<{ no: number; value: number | Buffer }> {
  const out: Array<{ no: number; value: number | Buffer }> = [];
  let i = 0;
  const readVarint = (): number => {
    let shift = 0n;
    let v = 0n;
    for (let guard = 0; guard < 10; guard += 1) {
      const b = buf[i++]!;
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
    }
    return Number(v);
  };
  while (i < buf.length) {
    const tag = readVarint();
    const no = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) out.push({ no, value: readVarint() });
    else if (wire === 2) {
      const len = readVarint();
      out.push({ no, value: buf.subarray(i, i + len) });
      i += len;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return out;
}

export function decodeFrame(buf: Buffer): Frame {
  const f: Frame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: [] };
  for (const { no, value } of readFields(buf)) {
    if (no === 1) f.SeqID = value as number;
    else if (no === 2) f.LogID = value as number;
    else if (no === 3) f.service = value as number;
    else if (no === 4) f.method = value as number;
    else if (no === 5) {
      const h = readFields(value as Buffer);
      f.headers.push({
        key: (h.find((x) => x.no === 1)?.value as Buffer | undefined)?.toString() ?? '',
        value: (h.find((x) => x.no === 2)?.value as Buffer | undefined)?.toString() ?? '',
      });
    } else if (no === 8) f.payload = Buffer.from(value as Buffer);
  }
  return f;
}

/** One server-to-client WebSocket frame (unmasked). */
function wsFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x80 | opcode, len])
      : len < 65536
        ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => {
            const b = Buffer.alloc(8);
            b.writeBigUInt64BE(BigInt(len));
            return b;
          })()]);
  return Buffer.concat([head, payload]);
}

/** Client-to-server frames from a byte stream; returns the unconsumed rest. */
function wsParse(buf: Buffer, onFrame: (opcode: number, payload: Buffer) => void): Buffer {
  let rest = buf;
  for (let guard = 0; guard < 10_000 && rest.length >= 2; guard += 1) {
    const opcode = rest[0]! & 0x0f;
    const masked = (rest[1]! & 0x80) !== 0;
    let len = rest[1]! & 0x7f;
    let off = 2;
    if (len === 126) {
      if (rest.length < 4) break;
      len = rest.readUInt16BE(2);
      off = 4;
    } else if (len === 127) {
      if (rest.length < 10) break;
      len = Number(rest.readBigUInt64BE(2));
      off = 10;
    }
    const maskAt = off;
    if (masked) off += 4;
    if (rest.length < off + len) break;
    const payload = Buffer.from(rest.subarray(off, off + len));
    if (masked) for (let k = 0; k < payload.length; k += 1) payload[k]! ^= rest[maskAt + (k % 4)]!;
    onFrame(opcode, payload);
    rest = rest.subarray(off + len);
  }
  return rest;
}

// ---- server ---------------------------------------------------------------

export async function startFakeLark(opts: FakeLarkOptions = {}): Promise<FakeLark> {
  const appId = opts.appId ?? FAKE_APP_ID;
  const appSecret = opts.appSecret ?? FAKE_APP_SECRET;
  const bot = opts.bot ?? FAKE_BOT;
  const ttl = opts.tokenTtlSeconds ?? 7200;
  const chats = new Map<string, FakeChat>((opts.chats ?? []).map((c) => [c.chatId, c]));
  const tokens = new Map<string, number>();
  const messages = new Map<string, { chatId: string; msgType: string; fromBot: boolean; content?: string }>();
  const files = new Map<string, { data: Buffer; chunked: boolean }>();
  const downloads: FakeLark['downloads'] = [];
  const byUuid = new Map<string, { record: SentRecord; at: number }>();
  const sent: SentRecord[] = [];
  const uuidRepeats: FakeLark['uuidRepeats'] = [];
  const updates: FakeLark['updates'] = [];
  const uploads: FakeLark['uploads'] = [];
  const calls: CallRecord[] = [];
  const failures: Array<{ method?: string; path: string | RegExp; failure: Failure; left: number; until?: number }> = [];
  const windows = new Map<string, number[]>();
  let waiters: Array<() => void> = [];
  let tokenRequests = 0;
  const limits = opts.rateLimits ?? {};
  const scale = limits.windowScale ?? 1;

  /** Sliding-window limiter; returns seconds until a slot frees, 0 when allowed. */
  function hit(key: string, limit: number | undefined, windowMs: number, now: number): number {
    if (!limit) return 0;
    const w = windowMs * scale;
    const list = (windows.get(key) ?? []).filter((t) => now - t < w);
    if (list.length >= limit) {
      windows.set(key, list);
      const left = (list[0]! + w - now) / 1000;
      // Lark sends whole seconds; scaled-down windows need fractions to stay proportional.
      return scale === 1 ? Math.max(1, Math.ceil(left)) : Math.max(0.001, Math.round(left * 1000) / 1000);
    }
    list.push(now);
    windows.set(key, list);
    return 0;
  }

  function checkLimits(chatId: string): void {
    const now = Date.now();
    for (const [key, limit, win] of [
      ['app:s', limits.appPerSecond, 1000],
      ['app:m', limits.appPerMinute, 60_000],
    ] as const) {
      const reset = hit(key, limit, win, now);
      if (reset) {
        throw new HttpError({
          status: 429,
          code: 99991400,
          msg: 'request trigger frequency limit',
          headers: { 'x-ogw-ratelimit-limit': String(limit), 'x-ogw-ratelimit-reset': String(reset) },
        });
      }
    }
    if (hit(`chat:${chatId}`, limits.chatPerSecond, 1000, now)) bad(230020, 'This operation triggers the frequency limit');
  }

  function auth(req: IncomingMessage): void {
    const h = req.headers.authorization;
    if (!h || !h.startsWith('Bearer ')) bad(99991661, 'Missing access token for authorization');
    const exp = tokens.get(h!.slice(7));
    if (exp === undefined || exp < Date.now()) bad(99991663, 'Invalid access token for authorization');
  }

  function checkContent(msgType: string, raw: unknown): unknown {
    if (typeof raw !== 'string') bad(230001, 'content must be a JSON string');
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw as string);
    } catch {
      bad(230001, 'content is not valid JSON');
    }
    const size = Buffer.byteLength(raw as string);
    if (msgType === 'interactive') {
      if (size > CARD_LIMIT) bad(230025, 'card content exceeds 30 KB');
      checkCard(parsed);
    } else if (msgType === 'text') {
      if (size > TEXT_LIMIT) bad(230025, 'text content exceeds 150 KB');
      if (typeof (parsed as { text?: unknown }).text !== 'string') bad(230001, 'text content needs "text"');
    } else if (msgType === 'file') {
      // A file message names an upload of this app by its key.
      const key = (parsed as { file_key?: unknown }).file_key;
      if (typeof key !== 'string' || !key) bad(230001, 'file content needs "file_key"');
      if (!uploads.some((u) => u.kind === 'file' && u.key === key)) bad(230001, `file_key ${String(key)} not found`);
    } else {
      bad(230001, `unsupported msg_type ${msgType}`);
    }
    return parsed;
  }

  function messageData(r: SentRecord) {
    return {
      message_id: r.messageId,
      chat_id: r.chatId,
      msg_type: r.msgType,
      create_time: String(r.time),
      update_time: String(r.time),
      deleted: false,
      updated: false,
      sender: { id: appId, id_type: 'app_id', sender_type: 'app', tenant_key: 'fake-tenant' },
      body: { content: r.rawContent },
      ...(r.replyTo ? { parent_id: r.replyTo, root_id: r.replyTo } : {}),
    };
  }

  function deliver(input: {
    chatId: string;
    receiveIdType: string;
    msgType: string;
    content: unknown;
    uuid?: unknown;
    replyTo?: string;
  }) {
    checkLimits(input.chatId);
    const uuid = typeof input.uuid === 'string' && input.uuid ? input.uuid : undefined;
    if (uuid && uuid.length > 50) bad(230001, 'uuid longer than 50 characters');
    const now = Date.now();
    if (uuid) {
      const prev = byUuid.get(uuid);
      if (prev && now - prev.at < UUID_WINDOW_MS) {
        uuidRepeats.push({ uuid, chatId: input.chatId, time: now });
        return messageData(prev.record);
      }
    }
    const parsed = checkContent(input.msgType, input.content);
    const record: SentRecord = {
      messageId: `om_${hex(16)}`,
      chatId: input.chatId,
      receiveIdType: input.receiveIdType,
      msgType: input.msgType,
      content: parsed,
      rawContent: input.content as string,
      ...(uuid ? { uuid } : {}),
      ...(input.replyTo ? { replyTo: input.replyTo } : {}),
      time: now,
    };
    sent.push(record);
    messages.set(record.messageId, { chatId: record.chatId, msgType: record.msgType, fromBot: true });
    if (uuid) byUuid.set(uuid, { record, at: now });
    opts.onSent?.(record);
    const w = waiters;
    waiters = [];
    w.forEach((f) => f());
    return messageData(record);
  }

  function page<T>(items: T[], q: URLSearchParams): { items: T[]; page_token: string; has_more: boolean } {
    const size = Math.min(100, Math.max(1, Number(q.get('page_size') ?? 20)));
    const start = Number(q.get('page_token') || 0);
    const slice = items.slice(start, start + size);
    const more = start + size < items.length;
    return { items: slice, page_token: more ? String(start + size) : '', has_more: more };
  }

  type Handler = (req: IncomingMessage, body: Buffer, q: URLSearchParams, params: string[]) => unknown;
  const json = (body: Buffer): Record<string, unknown> => {
    try {
      return JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return bad(230001, 'body is not JSON');
    }
  };

  const routes: Array<{ method: string; re: RegExp; auth: boolean; fn: Handler }> = [
    {
      method: 'POST',
      re: /^\/open-apis\/auth\/v3\/tenant_access_token\/internal$/,
      auth: false,
      fn: async (_req, body) => {
        tokenRequests += 1;
        const b = json(body);
        if (opts.tokenDelayMs) await new Promise((r) => setTimeout(r, opts.tokenDelayMs));
        if (b.app_id !== appId || b.app_secret !== appSecret) return { code: 10014, msg: 'app secret invalid' };
        const token = `t-${hex(16)}`;
        tokens.set(token, Date.now() + ttl * 1000);
        return { code: 0, msg: 'ok', tenant_access_token: token, expire: ttl };
      },
    },
    {
      method: 'GET',
      re: /^\/open-apis\/bot\/v3\/info\/?$/,
      auth: true,
      fn: () => ({ code: 0, msg: 'ok', bot: { open_id: bot.openId, app_name: bot.name, activate_status: 2, ip_white_list: [] } }),
    },
    {
      method: 'POST',
      re: /^\/open-apis\/im\/v1\/messages$/,
      auth: true,
      fn: (_req, body, q) => {
        const type = q.get('receive_id_type');
        const b = json(body);
        if (typeof b.receive_id !== 'string' || !b.receive_id) bad(230001, 'receive_id required');
        let chatId: string;
        if (type === 'chat_id') {
          if (!chats.has(b.receive_id as string)) bad(230002, 'Bot/User can NOT be out of the chat.');
          chatId = b.receive_id as string;
        } else if (type === 'open_id' || type === 'user_id' || type === 'union_id' || type === 'email') {
          chatId = `p2p:${b.receive_id as string}`;
        } else {
          return bad(230001, 'invalid receive_id_type');
        }
        const data = deliver({ chatId, receiveIdType: type!, msgType: String(b.msg_type), content: b.content, uuid: b.uuid });
        return { code: 0, msg: 'success', data };
      },
    },
    {
      method: 'POST',
      re: /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/,
      auth: true,
      fn: (_req, body, _q, [id]) => {
        const target = messages.get(id!);
        if (!target) bad(230001, `message ${id} not found`);
        const b = json(body);
        const data = deliver({
          chatId: target!.chatId,
          receiveIdType: 'reply',
          msgType: String(b.msg_type),
          content: b.content,
          uuid: b.uuid,
          replyTo: id!,
        });
        return { code: 0, msg: 'success', data };
      },
    },
    {
      method: 'PATCH',
      re: /^\/open-apis\/im\/v1\/messages\/([^/]+)$/,
      auth: true,
      fn: (_req, body, _q, [id]) => {
        const target = messages.get(id!);
        if (!target || !target.fromBot) bad(230001, `message ${id} not found`);
        if (target!.msgType !== 'interactive') bad(230001, 'only cards can be updated');
        const b = json(body);
        const content = checkContent('interactive', b.content);
        updates.push({ messageId: id!, content, time: Date.now() });
        return { code: 0, msg: 'success', data: {} };
      },
    },
    {
      method: 'GET',
      re: /^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/,
      auth: true,
      fn: (_req, _b, q, [id, key]) => {
        const msg = messages.get(id!);
        if (!msg) bad(230001, `message ${id} not found`);
        if (q.get('type') !== 'file' && q.get('type') !== 'image') bad(234001, 'invalid type');
        const file = files.get(key!);
        // Lark only serves a resource through the message that carries it.
        if (!file || !msg!.content?.includes(key!)) bad(234003, 'file not in message');
        downloads.push({ messageId: id!, fileKey: key!, bytes: file!.data.length });
        return new BinaryBody(file!.data, file!.chunked);
      },
    },
    {
      method: 'GET',
      re: /^\/open-apis\/im\/v1\/messages\/([^/]+)$/,
      auth: true,
      fn: (_req, _b, _q, [id]) => {
        const msg = messages.get(id!);
        if (!msg) bad(230001, `message ${id} not found`);
        const record = sent.find((r) => r.messageId === id);
        const content = msg!.content ?? record?.rawContent ?? JSON.stringify({ text: '' });
        return {
          code: 0,
          msg: 'success',
          data: { items: [{ message_id: id, chat_id: msg!.chatId, msg_type: msg!.msgType, body: { content }, deleted: false, updated: false }] },
        };
      },
    },
    {
      method: 'GET',
      re: /^\/open-apis\/im\/v1\/chats$/,
      auth: true,
      fn: (_req, _b, q) => {
        const p = page([...chats.values()].map((c) => ({ chat_id: c.chatId, name: c.name, owner_id_type: 'open_id' })), q);
        return { code: 0, msg: 'success', data: p };
      },
    },
    {
      method: 'GET',
      re: /^\/open-apis\/im\/v1\/chats\/([^/]+)\/members$/,
      auth: true,
      fn: (_req, _b, q, [id]) => {
        const chat = chats.get(id!);
        if (!chat) bad(230002, 'Bot/User can NOT be out of the chat.');
        const idType = q.get('member_id_type') ?? 'open_id';
        const members = chat!.members.map((m) => ({ member_id_type: idType, member_id: m.openId, name: m.name, tenant_key: 'fake-tenant' }));
        return { code: 0, msg: 'success', data: { ...page(members, q), member_total: members.length } };
      },
    },
    {
      method: 'POST',
      re: /^\/callback\/ws\/endpoint$/,
      auth: false,
      fn: (_req, body) => {
        const b = json(body);
        if (b.AppID !== appId || b.AppSecret !== appSecret) return { code: 514, msg: 'auth failed' };
        return {
          code: 0,
          msg: 'ok',
          data: {
            URL: `ws://127.0.0.1:${port}/ws?device_id=fake-device&service_id=7`,
            ClientConfig: { PingInterval: 120, ReconnectCount: 1, ReconnectInterval: 1, ReconnectNonce: 1 },
          },
        };
      },
    },
    {
      method: 'POST',
      re: /^\/open-apis\/im\/v1\/(images|files)$/,
      auth: true,
      fn: (req, body, _q, [what]) => {
        const { fields, fileBytes, data } = parseMultipart(body, String(req.headers['content-type'] ?? ''));
        if (fileBytes === 0) bad(234006, 'empty file');
        if (what === 'images') {
          if (fields.image_type !== 'message' && fields.image_type !== 'avatar') bad(234001, 'invalid image_type');
          const key = `img_v3_${hex(12)}`;
          uploads.push({ kind: 'image', fields, bytes: fileBytes, data, key });
          return { code: 0, msg: 'success', data: { image_key: key } };
        }
        if (!fields.file_type || !fields.file_name) bad(234001, 'file_type and file_name required');
        const key = `file_v3_${hex(12)}`;
        uploads.push({ kind: 'file', fields, bytes: fileBytes, data, key });
        return { code: 0, msg: 'success', data: { file_key: key } };
      },
    },
  ];

  function respond(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const record = (status: number, code: number) => calls.push({ method, path: url.pathname, status, code, time: Date.now() });
    try {
      const route = routes.find((r) => r.method === method && r.re.test(url.pathname));
      if (!route) bad(404, 'not found', 404);
      const t = Date.now();
      const f = failures.find((x) => (x.left > 0 || (x.until !== undefined && t < x.until)) && (!x.method || x.method === method) && (typeof x.path === 'string' ? x.path === url.pathname : x.path.test(url.pathname)));
      if (f) {
        f.left -= 1;
        throw new HttpError(f.failure);
      }
      if (route!.auth) auth(req);
      const params = route!.re.exec(url.pathname)!.slice(1);
      const out = (await route!.fn(req, body, url.searchParams, params)) as { code?: number };
      if (out instanceof BinaryBody) {
        record(200, 0);
        res.writeHead(200, { 'content-type': 'application/octet-stream', ...(out.chunked ? {} : { 'content-length': String(out.data.length) }) });
        if (out.chunked) res.write(out.data);
        res.end(out.chunked ? undefined : out.data);
        return;
      }
      record(200, out.code ?? 0);
      respond(res, 200, out);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      const { status, code, msg, headers } = e.failure;
      record(status, code);
      respond(res, status, { code, msg: msg ?? 'error', error: { log_id: `fake-${hex(8)}` } }, headers);
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => respond(res, 500, { code: 1, msg: e instanceof Error ? e.message : String(e) }));
  });
  // Long connection: a hand-rolled WebSocket endpoint speaking pbbp2 frames.
  const wsSockets = new Set<Socket>();
  const wsPending = new Map<string, (r: { code: number; data?: unknown }) => void>();
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    const key = req.headers['sec-websocket-key'];
    if (!req.url?.startsWith('/ws') || typeof key !== 'string') {
      socket.destroy();
      return;
    }
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    wsSockets.add(socket);
    let buf: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = wsParse(Buffer.concat([buf, chunk]), (opcode, payload) => {
        if (opcode === 0x8) {
          socket.end(wsFrame(0x8, Buffer.alloc(0)));
          return;
        }
        if (opcode !== 0x2) return;
        const frame = decodeFrame(payload);
        const type = frame.headers.find((h) => h.key === 'type')?.value;
        if (frame.method === 1 && type === 'event') {
          // The client's answer to an event we pushed.
          const id = frame.headers.find((h) => h.key === 'message_id')?.value ?? '';
          const body = JSON.parse(frame.payload?.toString('utf8') ?? '{}') as { code: number; data?: string };
          const data = body.data ? JSON.parse(Buffer.from(body.data, 'base64').toString('utf8')) : undefined;
          wsPending.get(id)?.({ code: body.code, ...(data === undefined ? {} : { data }) });
          wsPending.delete(id);
        }
      });
    });
    const drop = () => wsSockets.delete(socket);
    socket.on('close', drop);
    socket.on('error', drop);
  });

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    appId,
    appSecret,
    bot,
    sent,
    uuidRepeats,
    updates,
    uploads,
    calls,
    get tokenRequests() {
      return tokenRequests;
    },
    addChat(chat) {
      chats.set(chat.chatId, chat);
    },
    registerMessage(messageId, chatId) {
      messages.set(messageId, { chatId, msgType: 'text', fromBot: false });
    },
    registerFile(spec) {
      const fileKey = spec.fileKey ?? `file_v3_${hex(12)}`;
      files.set(fileKey, { data: spec.data, chunked: spec.chunked ?? false });
      messages.set(spec.messageId, { chatId: spec.chatId, msgType: 'file', fromBot: false, content: JSON.stringify({ file_key: fileKey, file_name: spec.fileName }) });
      return { fileKey };
    },
    downloads,
    failFor(match, failure, ms) {
      failures.push({ ...match, failure, left: 0, until: Date.now() + ms });
    },
    failNext(match, failure, times = 1) {
      failures.push({ ...match, failure, left: times });
    },
    revokeTokens() {
      tokens.clear();
    },
    sentTo(chatId) {
      return sent.filter((s) => s.chatId === chatId);
    },
    get wsClients() {
      return wsSockets.size;
    },
    pushWsEvent(envelope, timeoutMs = 5000) {
      // Lark hands each event to one connected client at random.
      const clients = [...wsSockets];
      const socket = clients[Math.floor(Math.random() * clients.length)];
      if (!socket) return Promise.reject(new Error('fake Lark: no long-connection client attached'));
      const id = hex(8);
      const frame = encodeFrame({
        SeqID: 0,
        LogID: 0,
        service: 7,
        method: 1,
        headers: [
          { key: 'type', value: 'event' },
          { key: 'message_id', value: id },
          { key: 'sum', value: '1' },
          { key: 'seq', value: '0' },
          { key: 'trace_id', value: hex(4) },
        ],
        payload: Buffer.from(JSON.stringify(envelope)),
      });
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          wsPending.delete(id);
          reject(new Error('fake Lark: no answer to the pushed event'));
        }, timeoutMs);
        wsPending.set(id, (r) => {
          clearTimeout(timer);
          resolve(r);
        });
        socket.write(wsFrame(0x2, frame));
      });
    },
    async waitForSent(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (sent.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`fake Lark: expected ${n} messages, got ${sent.length}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return sent.slice();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of wsSockets) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
