/** A document the parser cannot turn into a ledger. `message` is Chinese and meant for the user. */
export class PlanError extends Error {
  constructor(
    readonly code:
      | 'empty'
      | 'binary'
      | 'no-tasks'
      | 'too-large'
      /** A format we cannot read (.wps, .ofd, a scanned PDF): the message says what to send instead. */
      | 'unsupported'
      | 'encrypted'
      /** The file claims a format but its structure is broken. */
      | 'unreadable'
      /** Reading took longer or more memory than a plan may. */
      | 'timeout'
      /** The same document (same 文号) is already loaded under another name. */
      | 'duplicate',
    message: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = 'PlanError';
  }
}
