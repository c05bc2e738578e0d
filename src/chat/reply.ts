import { z } from 'zod';

/**
 * The one schema of a reply: the Block/Reply types in types.ts are derived
 * from it, and whatever re-validates a reply (the delivery queue, reading a
 * job back from Redis) uses it, so a field added to a block cannot be dropped
 * on the way by a second, hand-written copy.
 */

export const ToneSchema = z.enum(['blue', 'green', 'orange', 'red', 'grey']);

/** The text box of an `actions` block. */
export const NoteInputSchema = z.object({
  placeholder: z.string(),
  /** The platform refuses to submit while it is empty (for every button of the block). */
  required: z.boolean().optional(),
  /** Characters; the platform's box stops there (the receiver caps again). */
  maxLength: z.number().int().positive().optional(),
});

const PlainBlockSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('fields'), items: z.array(z.object({ label: z.string(), value: z.string() })) }),
  z.object({ kind: z.literal('list'), items: z.array(z.string()) }),
  z.object({ kind: z.literal('table'), columns: z.array(z.string()), rows: z.array(z.array(z.string())) }),
  z.object({ kind: z.literal('note'), text: z.string() }),
  z.object({ kind: z.literal('divider') }),
  z.object({
    kind: z.literal('actions'),
    buttons: z.array(
      z.object({
        label: z.string(),
        value: z.record(z.string(), z.string()),
        style: z.enum(['primary', 'danger', 'default']).optional(),
      }),
    ),
    /**
     * A short text box sent along with whichever button is pressed (Lark: a
     * form whose buttons submit it). Platforms without forms show the buttons
     * alone. What comes back is untrusted user text.
     */
    note: NoteInputSchema.optional(),
  }),
]);

/**
 * A chart (a VChart spec, JSON only) where the platform can draw one (Lark
 * cards); everywhere else, and when the platform refuses it, `fallback` (a
 * block that is not itself a chart) stands in its place.
 */
const ChartBlockSchema = z.object({
  kind: z.literal('chart'),
  spec: z.record(z.string(), z.unknown()),
  fallback: PlainBlockSchema,
});

export const BlockSchema = z.discriminatedUnion('kind', [...PlainBlockSchema.options, ChartBlockSchema]);

export const ReplySchema = z.object({
  title: z.string().optional(),
  tone: ToneSchema.optional(),
  blocks: z.array(BlockSchema),
});

export type Tone = z.infer<typeof ToneSchema>;
export type NoteInput = z.infer<typeof NoteInputSchema>;
export type Block = z.infer<typeof BlockSchema>;
export type Reply = z.infer<typeof ReplySchema>;
