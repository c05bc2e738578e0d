import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Attachment, Reply } from '../../chat/types.js';
import type { LarkClient } from './client.js';
import {
  CODE_CARD_BUILD_FAILED,
  CODE_CONTENT_TOO_LARGE,
  LarkApiError,
  isRateLimited,
  isRetryable,
} from './errors.js';
import { declaredLength, DownloadTooLargeError, readLimited } from './download.js';
import { hasChart, renderCards, renderTexts, withoutCharts, type ChartSpec, type LarkCard } from './render-card.js';

/**
 * Outgoing messages. Every send carries a `uuid` (Lark sends a given uuid at
 * most once per hour), derived from what the message answers, so a retry
 * after a timeout, a re-queued job or a second replica cannot double-post.
 * Cards first; on a card-specific rejection (230099 build failure, 230025
 * too large) a card holding a chart is sent again without it (charts are the
 * part the platform is likeliest to refuse), and otherwise the same reply
 * goes out as plain text.
 */

export const UUID_MAX = 50;

/** Keep a uuid readable when it fits, hash it when it does not. */
export function fitUuid(s: string): string {
  return s.length <= UUID_MAX ? s : `h-${createHash('sha256').update(s).digest('hex').slice(0, 40)}`;
}

/** uuid of the idx-th reply to an incoming message. */
export function replyUuid(messageId: string, idx: number): string {
  return fitUuid(`${messageId}-${idx}`);
}

/** uuid of one part of a split reply; part 0 keeps the caller's uuid. */
export function partUuid(base: string, part: number): string {
  return part === 0 ? base : fitUuid(`${base}-p${part}`);
}

/** uuid for the text fallback: a new one, a rejected card may have consumed the first. */
export function textUuid(base: string, part: number): string {
  return fitUuid(`${base}-t${part}`);
}

/** uuid for a part sent again without its chart (new for the same reason as textUuid). */
export function chartlessUuid(base: string, part: number): string {
  return fitUuid(`${base}-n${part}`);
}

export interface SentMessage {
  messageId: string;
  msgType: 'interactive' | 'text' | 'file';
  uuid: string;
}

/** What a send to a chat may carry besides the reply (the weekly summary's chart). */
export interface SendExtras {
  /** A VChart spec, drawn at the end of the first card. */
  chart?: ChartSpec;
}

export interface ChatMember {
  memberId: string;
  memberIdType: string;
  name: string;
}

export interface ChatInfo {
  chatId: string;
  name: string;
}

export type UploadFileType = 'opus' | 'mp4' | 'pdf' | 'doc' | 'xls' | 'ppt' | 'stream';

export interface LarkMessenger {
  /** Answer an incoming message; idx counts replies to that message (0, 1, …). */
  replyTo(messageId: string, reply: Reply, idx: number): Promise<SentMessage[]>;
  /** Post into a chat; the caller's uuid makes the send idempotent (reminders). */
  sendToChat(chatId: string, reply: Reply, uuid: string, extras?: SendExtras): Promise<SentMessage[]>;
  /** Post an uploaded file (uploadFile's key) into a chat, idempotently per uuid. */
  sendFile(chatId: string, fileKey: string, uuid: string): Promise<SentMessage>;
  /** Post to one user's p2p chat with the bot (bot-menu clicks carry no chat id). */
  sendToUser(openId: string, reply: Reply, uuid: string): Promise<SentMessage[]>;
  /** Replace a sent card's content (progress updates). */
  updateCard(messageId: string, reply: Reply): Promise<void>;
  listChatMembers(chatId: string): Promise<ChatMember[]>;
  listChats(): Promise<ChatInfo[]>;
  uploadFile(input: { fileName: string; fileType: UploadFileType; data: Buffer }): Promise<string>;
  uploadImage(data: Buffer): Promise<string>;
  /**
   * The bytes of a file a user sent (message resource). Throws
   * DownloadTooLargeError (code "too-large") past `maxBytes`, checked on the
   * declared length and again while reading.
   */
  downloadFile(messageId: string, fileKey: string, opts?: { maxBytes?: number }): Promise<Buffer>;
  /** The file a message carries, or undefined when it is not a file message (/导入 as a reply). */
  fileOfMessage(messageId: string): Promise<Attachment | undefined>;
}

/** Default cap for downloads: plan files (the parser's limit). */
export const DOWNLOAD_MAX_BYTES = 5 * 1024 * 1024;

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Give up rather than wait longer than this for a rate-limit reset. */
  maxResetWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 300, maxDelayMs: 5_000, maxResetWaitMs: 30_000 };

export interface MessengerOptions {
  client: LarkClient;
  log: Logger;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
}

type Target =
  | { kind: 'reply'; messageId: string }
  | { kind: 'create'; receiveIdType: 'chat_id' | 'open_id'; receiveId: string };

const MAX_PAGES = 100;

interface SendData {
  message_id?: string;
}

export function createMessenger(opts: MessengerOptions): LarkMessenger {
  const { client } = opts;
  const log = opts.log.child({ component: 'lark-send' });
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  /** Retries what is worth retrying; the uuid makes each retry safe. */
  async function withRetry<T>(op: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await client.call(op, () => fn());
      } catch (e) {
        if (!(e instanceof LarkApiError) || !isRetryable(e) || attempt >= policy.maxAttempts) throw e;
        const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
        let wait = backoff * (0.5 + Math.random() * 0.5);
        if (isRateLimited(e) && e.retryAfterSeconds !== undefined) wait = e.retryAfterSeconds * 1000 + Math.random() * 100;
        if (wait > policy.maxResetWaitMs) throw e;
        log.warn({ event: 'lark_retry', ...e.toLog(), attempt, waitMs: Math.round(wait) }, 'retrying Open API call');
        await sleep(wait);
      }
    }
  }

  async function sendOne(target: Target, msgType: SentMessage['msgType'], content: string, uuid: string): Promise<string> {
    const op = target.kind === 'reply' ? 'message.reply' : 'message.create';
    const res = await withRetry(op, () =>
      target.kind === 'reply'
        ? client.sdk.im.v1.message.reply({
            path: { message_id: target.messageId },
            data: { msg_type: msgType, content, uuid },
          })
        : client.sdk.im.v1.message.create({
            params: { receive_id_type: target.receiveIdType },
            data: { receive_id: target.receiveId, msg_type: msgType, content, uuid },
          }),
    );
    return (res.data as SendData | undefined)?.message_id ?? '';
  }

  function targetLog(target: Target): Record<string, string> {
    return target.kind === 'reply'
      ? { replyTo: target.messageId }
      : { [target.receiveIdType === 'chat_id' ? 'chatId' : 'openId']: target.receiveId };
  }

  async function deliver(target: Target, reply: Reply, baseUuid: string, extras: SendExtras = {}): Promise<SentMessage[]> {
    const sent: SentMessage[] = [];
    const cards = renderCards(reply, extras.chart ? { chart: extras.chart } : {});
    if (extras.chart && !hasChart(cards[0]!)) {
      log.warn({ event: 'lark_chart_dropped', ...targetLog(target), uuid: baseUuid }, 'chart too large for a card; sent without it');
    }
    // Once one chart is refused, later parts leave theirs out too (the same refusal would follow).
    let chartsOff = false;
    for (let i = 0; i < cards.length; i += 1) {
      const charted = hasChart(cards[i]!);
      let card: LarkCard = chartsOff && charted ? withoutCharts(cards[i]!) : cards[i]!;
      let uuid = chartsOff && charted ? chartlessUuid(baseUuid, i) : partUuid(baseUuid, i);
      const started = Date.now();
      try {
        let id: string;
        try {
          id = await sendOne(target, 'interactive', JSON.stringify(card), uuid);
        } catch (e) {
          if (!(e instanceof LarkApiError) || e.code !== CODE_CARD_BUILD_FAILED || !charted || chartsOff) throw e;
          log.warn({ event: 'lark_chart_rejected', ...targetLog(target), uuid, part: i, ...e.toLog() }, 'card with a chart rejected; sending it without');
          chartsOff = true;
          card = withoutCharts(cards[i]!);
          uuid = chartlessUuid(baseUuid, i);
          id = await sendOne(target, 'interactive', JSON.stringify(card), uuid);
        }
        sent.push({ messageId: id, msgType: 'interactive', uuid });
        log.info(
          { event: 'lark_sent', ...targetLog(target), uuid, part: i, parts: cards.length, msgType: 'interactive', messageId: id, chart: hasChart(card), ms: Date.now() - started },
          'card sent',
        );
      } catch (e) {
        const err = e instanceof LarkApiError ? e : new LarkApiError('send', 0, 0, String(e));
        if (err.code !== CODE_CARD_BUILD_FAILED && err.code !== CODE_CONTENT_TOO_LARGE) {
          log.error({ event: 'lark_send_failed', ...targetLog(target), uuid, part: i, ...err.toLog() }, 'send failed');
          throw err;
        }
        // The card was refused as a card: the whole reply goes out as text instead
        // (parts already sent stay; this is rare and better than silence).
        log.warn({ event: 'lark_card_rejected', ...targetLog(target), uuid, part: i, ...err.toLog() }, 'card rejected; sending text');
        const texts = renderTexts(reply);
        for (let j = 0; j < texts.length; j += 1) {
          const tu = textUuid(baseUuid, j);
          const id = await sendOne(target, 'text', JSON.stringify({ text: texts[j] }), tu);
          sent.push({ messageId: id, msgType: 'text', uuid: tu });
          log.info({ event: 'lark_sent', ...targetLog(target), uuid: tu, part: j, parts: texts.length, msgType: 'text', messageId: id }, 'text sent');
        }
        return sent;
      }
    }
    return sent;
  }

  async function paginate<T>(op: string, page: (token: string | undefined) => Promise<{ items: T[]; hasMore: boolean; next?: string }>): Promise<T[]> {
    const out: T[] = [];
    let token: string | undefined;
    for (let n = 0; n < MAX_PAGES; n += 1) {
      const p = await page(token);
      out.push(...p.items);
      if (!p.hasMore || !p.next) return out;
      token = p.next;
    }
    log.warn({ event: 'lark_pagination_capped', op, pages: MAX_PAGES }, 'pagination stopped at the page cap');
    return out;
  }

  return {
    replyTo(messageId, reply, idx) {
      return deliver({ kind: 'reply', messageId }, reply, replyUuid(messageId, idx));
    },
    sendToChat(chatId, reply, uuid, extras) {
      return deliver({ kind: 'create', receiveIdType: 'chat_id', receiveId: chatId }, reply, fitUuid(uuid), extras);
    },
    async sendFile(chatId, fileKey, uuid) {
      const target: Target = { kind: 'create', receiveIdType: 'chat_id', receiveId: chatId };
      const u = fitUuid(uuid);
      try {
        const id = await sendOne(target, 'file', JSON.stringify({ file_key: fileKey }), u);
        log.info({ event: 'lark_sent', chatId, uuid: u, msgType: 'file', messageId: id }, 'file sent');
        return { messageId: id, msgType: 'file', uuid: u };
      } catch (e) {
        const err = e instanceof LarkApiError ? e : new LarkApiError('send', 0, 0, String(e));
        log.error({ event: 'lark_send_failed', chatId, uuid: u, msgType: 'file', ...err.toLog() }, 'file send failed');
        throw err;
      }
    },
    sendToUser(openId, reply, uuid) {
      return deliver({ kind: 'create', receiveIdType: 'open_id', receiveId: openId }, reply, fitUuid(uuid));
    },
    async updateCard(messageId, reply) {
      const cards = renderCards(reply);
      if (cards.length > 1) log.warn({ event: 'lark_update_trimmed', messageId, parts: cards.length }, 'card update keeps the first part only');
      await withRetry('message.patch', () =>
        client.sdk.im.v1.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(cards[0]) } }),
      );
    },
    listChatMembers(chatId) {
      return paginate('chat.members', async (pageToken) => {
        const res = await withRetry('chat.members', () =>
          client.sdk.im.v1.chatMembers.get({
            path: { chat_id: chatId },
            params: { member_id_type: 'open_id', page_size: 100, ...(pageToken ? { page_token: pageToken } : {}) },
          }),
        );
        const items = (res.data?.items ?? []).map((m) => ({
          memberId: m.member_id ?? '',
          memberIdType: m.member_id_type ?? 'open_id',
          name: m.name ?? '',
        }));
        return { items, hasMore: Boolean(res.data?.has_more), next: res.data?.page_token };
      });
    },
    listChats() {
      return paginate('chats', async (pageToken) => {
        const res = await withRetry('chats', () =>
          client.sdk.im.v1.chat.list({ params: { page_size: 100, ...(pageToken ? { page_token: pageToken } : {}) } }),
        );
        const items = (res.data?.items ?? []).map((c) => ({ chatId: c.chat_id ?? '', name: c.name ?? '' }));
        return { items, hasMore: Boolean(res.data?.has_more), next: res.data?.page_token };
      });
    },
    async uploadFile({ fileName, fileType, data }) {
      // client.request instead of im.v1.file.create: the latter returns null on
      // a 2xx error body and so hides the code we need.
      const res = await withRetry('file.upload', () =>
        client.sdk.request<{ code?: number; msg?: string; data?: { file_key?: string } }>({
          method: 'POST',
          url: '/open-apis/im/v1/files',
          data: { file_type: fileType, file_name: fileName, file: data },
          headers: { 'Content-Type': 'multipart/form-data' },
        }),
      );
      const key = res.data?.file_key;
      if (!key) throw new LarkApiError('file.upload', 0, 200, 'no file_key in response');
      return key;
    },
    async downloadFile(messageId, fileKey, opts = {}) {
      const max = opts.maxBytes ?? DOWNLOAD_MAX_BYTES;
      const started = Date.now();
      const res = await withRetry('message.resource', () =>
        client.sdk.im.v1.messageResource.get({ path: { message_id: messageId, file_key: fileKey }, params: { type: 'file' } }),
      );
      const stream = res.getReadableStream();
      const declared = declaredLength(res.headers);
      if (declared !== undefined && declared > max) {
        stream.destroy();
        log.warn({ event: 'lark_download_refused', messageId, declared, max }, 'file larger than allowed; not downloaded');
        throw new DownloadTooLargeError(max, declared);
      }
      try {
        const data = await readLimited(stream, max);
        log.info({ event: 'lark_downloaded', messageId, bytes: data.length, ms: Date.now() - started }, 'file downloaded');
        return data;
      } catch (e) {
        if (e instanceof DownloadTooLargeError) log.warn({ event: 'lark_download_refused', messageId, seen: e.size, max }, 'file larger than allowed; download stopped');
        throw e;
      }
    },
    async fileOfMessage(messageId) {
      const res = await withRetry('message.get', () => client.sdk.im.v1.message.get({ path: { message_id: messageId } }));
      const item = res.data?.items?.[0];
      if (!item || item.msg_type !== 'file') return undefined;
      let content: { file_key?: unknown; file_name?: unknown };
      try {
        content = JSON.parse(item.body?.content ?? '') as typeof content;
      } catch {
        return undefined;
      }
      if (typeof content.file_key !== 'string' || !content.file_key) return undefined;
      return { kind: 'file', key: content.file_key, name: typeof content.file_name === 'string' ? content.file_name : '' };
    },
    async uploadImage(data) {
      const res = await withRetry('image.upload', () =>
        client.sdk.request<{ code?: number; msg?: string; data?: { image_key?: string } }>({
          method: 'POST',
          url: '/open-apis/im/v1/images',
          data: { image_type: 'message', image: data },
          headers: { 'Content-Type': 'multipart/form-data' },
        }),
      );
      const key = res.data?.image_key;
      if (!key) throw new LarkApiError('image.upload', 0, 200, 'no image_key in response');
      return key;
    },
  };
}
