import type { Deadline, Recurring } from '../plan/schema.js';

/** One answer to "谁牵头…"; the shape is the `cli ask --json` contract. */
export interface Answer {
  file: string;
  path: string[];
  title: string;
  excerpt: string;
  /** What a person is told: clause leads, else item leads, else implied units. */
  leads: string[];
  leadSource: 'explicit' | 'implied' | 'none';
  co: string[];
  deadlines: Array<Pick<Deadline, 'text' | 'date'>>;
  recurring: Recurring[];
  /** Extra context for renderers; not part of the CLI contract. */
  taskId: string;
  docTitle: string;
  score: number;
}
