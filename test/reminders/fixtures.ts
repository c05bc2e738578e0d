import { Ledger, PlanDocument, Task } from '../../src/plan/schema.js';

/** Hand-made ledgers in the shape the parser produces (validated by the real schema). */

type TaskInput = Partial<Task> & { path: string[] };

export function task(input: TaskInput, docKey = 'doc'): Task {
  return Task.parse({
    id: `${docKey}#${input.path.join('')}`,
    title: '任务标题',
    text: '任务正文',
    leads: [],
    co: [],
    impliedLeads: [],
    deadlines: [],
    recurring: [],
    relative: [],
    clauses: [],
    ...input,
  });
}

export function doc(input: Partial<PlanDocument> & { tasks: Task[] }): PlanDocument {
  return PlanDocument.parse({
    file: 'plan.txt',
    title: '2022年政务公开工作要点',
    issuer: '某县人民政府办公室',
    docNumber: '某政办发〔2022〕1号',
    issuedOn: '2022-03-01',
    year: 2022,
    ...input,
  });
}

export function ledger(...documents: PlanDocument[]): Ledger {
  return Ledger.parse({ documents });
}

export function deadline(date: string, text = `${date}前`) {
  return { text, date, pastAtIssue: false };
}
