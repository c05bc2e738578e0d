/** A document the parser cannot turn into a ledger. `message` is Chinese and meant for the user. */
export class PlanError extends Error {
  constructor(
    readonly code: 'empty' | 'binary' | 'no-tasks' | 'too-large',
    message: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = 'PlanError';
  }
}
