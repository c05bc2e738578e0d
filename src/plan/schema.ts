import { z } from 'zod';

/**
 * The ledger contract. Field names here are relied on by other tools
 * (`cli parse --format json`), so add fields freely but never rename.
 */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const RecurrenceRule = z.enum(['weekly', 'monthly', 'quarterly', 'semiannual', 'annual']);
export type RecurrenceRule = z.infer<typeof RecurrenceRule>;

export const Deadline = z.object({
  /** The phrase as written, e.g. "7月底前". */
  text: z.string(),
  /** The last day the phrase allows. */
  date: isoDate,
  /** True when the date was already past on the document's issue date. */
  pastAtIssue: z.boolean().default(false),
});
export type Deadline = z.infer<typeof Deadline>;

export const Recurring = z.object({ text: z.string(), rule: RecurrenceRule });
export type Recurring = z.infer<typeof Recurring>;

/** A time limit that runs from an event ("签发后3个工作日内"): a standing rule, never scheduled. */
export const Relative = z.object({ text: z.string() });
export type Relative = z.infer<typeof Relative>;

/** Part of an item governed by its own lead annotation. */
export const Clause = z.object({
  text: z.string(),
  leads: z.array(z.string()),
  co: z.array(z.string()).default([]),
  deadlines: z.array(Deadline).default([]),
  recurring: z.array(Recurring).default([]),
});
export type Clause = z.infer<typeof Clause>;

export const Task = z.object({
  /** Stable within a document: `<doc key>#<path joined>`. */
  id: z.string(),
  /** Numbering path as written, e.g. ["三、", "（一）", "1."]. */
  path: z.array(z.string()),
  title: z.string(),
  text: z.string(),
  leads: z.array(z.string()),
  co: z.array(z.string()),
  /** Units the sentences make the subject of a duty; inferred, never merged into leads. */
  impliedLeads: z.array(z.string()),
  deadlines: z.array(Deadline),
  recurring: z.array(Recurring),
  relative: z.array(Relative),
  clauses: z.array(Clause),
  /** Units in leads/co that name a class of units rather than one ("各有关单位"). */
  genericUnits: z.array(z.string()).default([]),
});
export type Task = z.infer<typeof Task>;

export const PlanDocument = z.object({
  file: z.string(),
  title: z.string(),
  issuer: z.string(),
  docNumber: z.string(),
  issuedOn: isoDate.or(z.literal('')),
  year: z.number().int(),
  tasks: z.array(Task),
});
export type PlanDocument = z.infer<typeof PlanDocument>;

export const Ledger = z.object({ documents: z.array(PlanDocument) });
export type Ledger = z.infer<typeof Ledger>;
