/**
 * Lark event pushes as the platform sends them: v2 envelopes, encrypted with
 * AES-256-CBC under sha256(encryptKey) with a random IV in front, and signed
 * with X-Lark-Signature = hex(sha256(timestamp + nonce + encryptKey + body)).
 * Knobs exist to forge or replay (wrong signature, old timestamp, wrong token).
 */
import { randomBytes } from 'node:crypto';
import { computeSignature, encryptPayload } from '../../src/adapters/lark/verify.js';

export interface EventContext {
  appId: string;
  tenantKey: string;
  verificationToken: string;
  encryptKey: string;
}

const hex = (n: number) => randomBytes(n).toString('hex');

export function newMessageId(): string {
  return `om_${hex(16)}`;
}

export function envelope(ctx: EventContext, eventType: string, event: Record<string, unknown>, opts: { eventId?: string; token?: string; createTime?: number } = {}) {
  return {
    schema: '2.0',
    header: {
      event_id: opts.eventId ?? hex(16),
      event_type: eventType,
      create_time: String(opts.createTime ?? Date.now()),
      token: opts.token ?? ctx.verificationToken,
      app_id: ctx.appId,
      tenant_key: ctx.tenantKey,
    },
    event,
  };
}

export interface MentionSpec {
  openId: string;
  name: string;
}

export interface TextMessageSpec {
  chatId: string;
  chatType?: 'p2p' | 'group';
  senderOpenId: string;
  /** Use "@_user_1" style placeholders for mentions, as Lark does. */
  text: string;
  mentions?: MentionSpec[];
  messageId?: string;
  eventId?: string;
  token?: string;
  parentId?: string;
  messageType?: string;
  /** Raw content for non-text message types. */
  content?: string;
  senderType?: string;
}

export function textMessage(ctx: EventContext, spec: TextMessageSpec) {
  const messageId = spec.messageId ?? newMessageId();
  const mentions = (spec.mentions ?? []).map((m, i) => ({
    key: `@_user_${i + 1}`,
    id: { open_id: m.openId, user_id: `u_${i + 1}`, union_id: `on_${i + 1}` },
    name: m.name,
    tenant_key: ctx.tenantKey,
  }));
  const body = envelope(
    ctx,
    'im.message.receive_v1',
    {
      sender: {
        sender_id: { open_id: spec.senderOpenId, user_id: 'u_sender', union_id: 'on_sender' },
        sender_type: spec.senderType ?? 'user',
        tenant_key: ctx.tenantKey,
      },
      message: {
        message_id: messageId,
        root_id: spec.parentId ?? '',
        parent_id: spec.parentId ?? '',
        create_time: String(Date.now()),
        chat_id: spec.chatId,
        chat_type: spec.chatType ?? 'group',
        message_type: spec.messageType ?? 'text',
        content: spec.content ?? JSON.stringify({ text: spec.text }),
        ...(mentions.length ? { mentions } : {}),
      },
    },
    { eventId: spec.eventId, token: spec.token },
  );
  return { body, messageId, eventId: body.header.event_id };
}

export function botMenu(ctx: EventContext, spec: { openId: string; name?: string; eventKey: string; eventId?: string }) {
  const body = envelope(
    ctx,
    'application.bot.menu_v6',
    {
      operator: { operator_name: spec.name ?? '张三', operator_id: { open_id: spec.openId, user_id: 'u_op', union_id: 'on_op' } },
      event_key: spec.eventKey,
      timestamp: Date.now(),
    },
    { eventId: spec.eventId },
  );
  return { body, eventId: body.header.event_id };
}

export function botAdded(ctx: EventContext, spec: { chatId: string; operatorOpenId: string; name?: string; eventId?: string }) {
  const body = envelope(
    ctx,
    'im.chat.member.bot.added_v1',
    {
      chat_id: spec.chatId,
      operator_id: { open_id: spec.operatorOpenId, user_id: 'u_op', union_id: 'on_op' },
      external: false,
      operator_tenant_key: ctx.tenantKey,
      name: spec.name ?? '测试群',
    },
    { eventId: spec.eventId },
  );
  return { body, eventId: body.header.event_id };
}

export interface CardActionSpec {
  openId: string;
  chatId: string;
  messageId: string;
  value: Record<string, string>;
  eventId?: string;
  /**
   * What the form around the button held when it was submitted (a form's
   * submit button): Lark sends `action.form_value` (input name -> text) and
   * the button's `name`.
   */
  formValue?: Record<string, unknown>;
  buttonName?: string;
}

export function cardAction(ctx: EventContext, spec: CardActionSpec) {
  const action: Record<string, unknown> = { value: spec.value, tag: 'button' };
  if (spec.formValue) action.form_value = spec.formValue;
  if (spec.buttonName ?? spec.formValue) action.name = spec.buttonName ?? 'submit_1_1';
  const body = envelope(
    ctx,
    'card.action.trigger',
    {
      operator: { tenant_key: ctx.tenantKey, open_id: spec.openId, user_id: 'u_op', union_id: 'on_op' },
      token: hex(8),
      action,
      host: 'im_message',
      context: { open_message_id: spec.messageId, open_chat_id: spec.chatId },
    },
    { eventId: spec.eventId },
  );
  return { body, eventId: body.header.event_id };
}

export function urlVerification(ctx: EventContext, challenge: string, token?: string) {
  return { challenge, token: token ?? ctx.verificationToken, type: 'url_verification' };
}

export interface PostOptions {
  /** Encrypt the body (default true, as Lark does when an encrypt key is set). */
  encrypt?: boolean;
  /** Seconds since epoch for X-Lark-Request-Timestamp (default now). */
  timestamp?: number;
  nonce?: string;
  /** Key used to sign; defaults to ctx.encryptKey (pass another to forge). */
  signWith?: string;
  /** Send no signature headers at all. */
  unsigned?: boolean;
  /** Replace the computed signature (forgery). */
  signature?: string;
}

/** The exact bytes and headers Lark would send for `payload`. */
export function sealed(ctx: EventContext, payload: unknown, opts: PostOptions = {}): { body: string; headers: Record<string, string> } {
  const plain = JSON.stringify(payload);
  const body = opts.encrypt === false ? plain : JSON.stringify({ encrypt: encryptPayload(plain, ctx.encryptKey, randomBytes(16)) });
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (!opts.unsigned) {
    const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = opts.nonce ?? hex(8);
    headers['x-lark-request-timestamp'] = ts;
    headers['x-lark-request-nonce'] = nonce;
    headers['x-lark-signature'] = opts.signature ?? computeSignature(ts, nonce, opts.signWith ?? ctx.encryptKey, body);
  }
  return { body, headers };
}

export async function postRaw(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, json };
}

/** Seal and POST one event to the bot's webhook. */
export function postEvent(url: string, ctx: EventContext, payload: unknown, opts: PostOptions = {}) {
  const { body, headers } = sealed(ctx, payload, opts);
  return postRaw(url, body, headers);
}

/** startLark options for a webhook bot on an ephemeral loopback port, talking to the fake Open API. */
export function webhookOptions(ctx: EventContext, fake: { appSecret: string; url: string }, redisPrefix: string, extra: Record<string, unknown> = {}) {
  return {
    appId: ctx.appId,
    appSecret: fake.appSecret,
    encryptKey: ctx.encryptKey,
    verificationToken: ctx.verificationToken,
    domain: fake.url,
    mode: 'webhook',
    port: 0,
    host: '127.0.0.1',
    redisPrefix,
    ...extra,
  };
}
