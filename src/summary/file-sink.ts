import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage } from '../chat/types.js';
import { writeFileAtomic } from '../cli/io.js';

/**
 * How a handler puts a file into the conversation (/台账). Lark uploads it and
 * sends a file message; the console saves it under DATA_DIR and the reply
 * names the path. This file holds the interface and the directory sink (the
 * only I/O under src/summary).
 */

export type FileDelivery = { kind: 'uploaded' } | { kind: 'saved'; path: string };

export interface FileSink {
  /** Deliver `file` to the chat `message` came from. */
  send(message: IncomingMessage, file: { name: string; data: Buffer }): Promise<FileDelivery>;
}

/** Excel and common filesystems refuse these in names. */
export function safeFileName(name: string): string {
  return name.replace(/[\\/:*?"<>|\u0000-\u001f]/gu, '_').slice(0, 120);
}

/** Saves into `dir` (created if missing), atomically; the reply shows `dir/name` as configured. */
export function dirFileSink(dir: string): FileSink {
  return {
    async send(_message, file) {
      await mkdir(dir, { recursive: true });
      const path = join(dir, safeFileName(file.name));
      await writeFileAtomic(path, file.data);
      return { kind: 'saved', path };
    },
  };
}

/** What the Lark side provides: LarkMessenger.uploadFile, and a file message (msg_type "file", content {"file_key"}). */
export interface LarkFileApi {
  uploadFile(input: { fileName: string; fileType: 'xls' | 'stream' | 'pdf' | 'doc'; data: Buffer }): Promise<string>;
  sendFile(chatId: string, fileKey: string, uuid: string): Promise<unknown>;
}

/** Lark: upload (file_type "xls" for .xlsx/.xls, else "stream"), then post the file into the chat, idempotently per message. */
export function larkFileSink(api: LarkFileApi): FileSink {
  return {
    async send(message, file) {
      const name = safeFileName(file.name);
      const fileType = /\.xlsx?$/iu.test(name) ? 'xls' : 'stream';
      const key = await api.uploadFile({ fileName: name, fileType, data: file.data });
      await api.sendFile(message.chatId, key, fileUuid(message.messageId));
      return { kind: 'uploaded' };
    },
  };
}

/** Lark uuids are at most 50 characters: a long message id is hashed rather than cut (cutting could collide). */
export function fileUuid(messageId: string): string {
  const u = `${messageId}-file`;
  return u.length <= 50 ? u : `f-${createHash('sha256').update(u).digest('hex').slice(0, 40)}`;
}
