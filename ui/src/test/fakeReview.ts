// The fake Rust side's answers for the access review, the activity log (with undo) and exports from
// the window: a small review made from the fake's own organizations, a log that undo marks, and saves
// kept in memory. A save asks the fake's stand-in for the native save dialog (recorded in `dialogs`),
// which answers with the next of `dialogAnswers` (a path, or null: cancelled), else the file it
// suggested; with `holdDialog` it waits for `answerDialog`. Show in folder opens only files saved.
import type {
  AccessReviewView,
  ActivityEntryView,
  ActivityPageView,
  ActivityQueryView,
  ExportChoiceView,
  ExportOutcomeView,
  FindingView,
  ReviewQueryView,
  UndoOutcomeView,
  UndoPreviewView,
} from '../lib/api';
import type { FakeBackend } from './fakeBackend';

const FETCHED = new Date(Date.now() - 5 * 60_000).toISOString();
const KINDS = ['invite', 'revoke', 'role_change', 'member_removal', 'org_rename'];

function entry(id: number, kind: string, target: string, ok = true, replaced: string[] = []): ActivityEntryView {
  const reversible = ['revoke', 'role_change', 'member_removal', 'org_rename'].includes(kind);
  return {
    id,
    at: new Date(Date.UTC(2026, 11, 1, 9, id)).toISOString(),
    account_id: 'acc1',
    account: 'me@example.com',
    org_id: 'o1',
    org: 'alpha',
    kind,
    what: kind.replace('_', ' '),
    target,
    detail: kind === 'role_change' ? 'Organization Viewer' : null,
    ok,
    error_code: ok ? null : 'forbidden',
    error: ok ? null : 'Your role does not allow changing roles here',
    replaced,
    undoable: ok && reversible,
    undo_of: null,
    undone_at: null,
    undone_by: null,
  };
}

export class FakeReview {
  entries: ActivityEntryView[] = [];
  /** Path → content of the files on the fake computer. */
  files = new Map<string, string>();
  /** The files exports were saved to (Show in folder opens only their folders). */
  saved = new Set<string>();
  /** What each save dialog was opened with. */
  dialogs: { title: string; folder: string; file_name: string }[] = [];
  /** The answers of the next save dialogs: a path, or null for a cancelled one. */
  dialogAnswers: (string | null)[] = [];
  /** Save dialogs stay open until `answerDialog`. */
  holdDialog = false;
  private heldDialog: ((answer: string | null) => void) | null = null;
  /** The next undo fails with this. */
  undoFailure: { code: 'conflict'; message: string } | null = null;
  /** The next undo preview fails with this (someone changed the target since). */
  previewFailure: { code: 'conflict'; message: string } | null = null;
  /** Entries' ages in days (else 0); from 7 days an undo needs `force`. */
  ageDays = new Map<number, number>();

  constructor() {
    this.reset();
  }

  reset() {
    this.entries = [
      entry(1, 'invite', 'new@example.com'),
      entry(2, 'role_change', 'user2@example.com', true, ['roles: Organization Member']),
      entry(3, 'role_change', 'user3@example.com', false),
      entry(4, 'revoke', 'pending@example.com', true, ['roles: Organization Member']),
    ];
    this.files = new Map([['/home/me/Downloads/taken.csv', 'old']]);
    this.saved = new Set();
    this.dialogs = [];
    this.dialogAnswers = [];
    this.holdDialog = false;
    this.heldDialog = null;
    this.undoFailure = null;
    this.previewFailure = null;
    this.ageDays = new Map();
  }

  review(b: FakeBackend, q: ReviewQueryView): AccessReviewView {
    const group = q.group ?? [];
    if (group.length === 1) throw { code: 'invalid_input', message: 'a group needs at least two organizations', fields: [] };
    const finding = (section: string, person: string, o = b.orgs[0], roles = ['Organization Admin']): FindingView => ({
      section,
      account_id: 'acc1',
      account: 'me@example.com',
      org_id: o.id,
      org_name: o.name,
      person,
      name: null,
      email: person,
      kind: section.includes('invitation') ? 'invitation' : 'user',
      roles,
      via_team: false,
      detail:
        section === 'stale_invitation'
          ? 'pending for 40 days'
          : section === 'inactive'
            ? 'marked inactive on the server but still holds these roles: deactivation does not take them away; offboard them (`zpro offboard`)'
            : 'holds Organization Admin',
      created: null,
      expires: null,
      fetched_at: FETCHED,
      stale: b.staleOrgs.has(o.id),
    });
    const findings = [finding('admin', 'me@example.com'), finding('admin', 'user1@example.com', b.orgs[1])];
    findings.push(finding('inactive', 'user3@example.com', b.orgs[0], ['Organization Member']));
    if ((q.stale_days ?? 14) <= 40) findings.push(finding('stale_invitation', 'pending@example.com', b.orgs[0], ['Organization Member']));
    if (group.length >= 2) findings.push(finding('only_in_one', 'user9@example.com', b.orgs[0], ['Organization Member']));
    const sections = ['admin', 'service_account_admin', 'custom_role', 'team_only', 'inactive', 'stale_invitation', 'expired_invitation', ...(group.length ? ['only_in_one'] : [])];
    return {
      stale_days: q.stale_days ?? 14,
      group,
      findings,
      sections: sections.map((s) => ({ section: s, title: s.replaceAll('_', ' '), count: findings.filter((f) => f.section === s).length })),
      organizations: b.orgs.map((o) => ({ account_id: 'acc1', account: 'me@example.com', org_id: o.id, org_name: o.name, fetched_at: FETCHED, stale: b.staleOrgs.has(o.id), last_error: null, members_hidden: false })),
      accounts: 1,
      fetched_at: FETCHED,
      stale: b.orgs.some((o) => b.staleOrgs.has(o.id)),
      last_error: null,
      notes: ['What a custom role allows is not cached.'],
    };
  }

  activity(q: ActivityQueryView): ActivityPageView {
    let rows = [...this.entries].sort((a, c) => c.id - a.id);
    if (q.org) rows = rows.filter((e) => e.org === q.org || e.org_id === q.org);
    if (q.kind) rows = rows.filter((e) => e.kind === q.kind);
    if (q.failed_only) rows = rows.filter((e) => !e.ok);
    if (q.search) rows = rows.filter((e) => e.target.includes(q.search!.toLowerCase()));
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 50;
    return { entries: structuredClone(rows.slice(offset, offset + limit)), total: rows.length, offset, kinds: KINDS };
  }

  undoPreview(id: number): UndoPreviewView {
    const e = this.entries.find((x) => x.id === id);
    if (!e) throw { code: 'not_found', message: `no entry #${id} in the activity log`, fields: [] };
    if (!e.undoable) throw { code: 'conflict', message: `entry #${id} was already undone`, fields: [] };
    if (this.previewFailure) throw { ...this.previewFailure, fields: [] };
    const back = e.replaced.join('; ') || 'what it replaced';
    const will = e.kind === 'revoke' ? `${e.target} will be invited again with ${back}.` : `${e.target} will hold ${back} instead of ${e.detail ?? 'the role set'}.`;
    const age_days = this.ageDays.get(id) ?? 0;
    return { entry: structuredClone(e), will, needs_force: age_days >= 7, age_days };
  }

  undo(id: number, force = false): UndoOutcomeView {
    if (this.undoFailure) throw { ...this.undoFailure, fields: [] };
    const e = this.entries.find((x) => x.id === id);
    if (!e) throw { code: 'not_found', message: `no entry #${id} in the activity log`, fields: [] };
    if (!e.undoable) throw { code: 'conflict', message: `entry #${id} was already undone`, fields: [] };
    const age = this.ageDays.get(id) ?? 0;
    if (age >= 7 && !force) throw { code: 'invalid_input', message: `entry #${id} was made ${age} days ago; undoing a change older than 7 days needs --force (in the window: confirm it)`, fields: [] };
    const by = { ...entry(this.entries.length + 1, e.kind, e.target), undo_of: id, undoable: false };
    this.entries.push(by);
    Object.assign(e, { undoable: false, undone_by: by.id, undone_at: by.at });
    return { undone: structuredClone(e), by: structuredClone(by), message: `put back ${e.replaced.join('; ') || 'what it replaced'} for ${e.target}` };
  }

  /** Closes a held save dialog with `answer` (a path, or null: cancelled). */
  answerDialog(answer: string | null) {
    const held = this.heldDialog;
    this.heldDialog = null;
    held?.(answer);
  }

  async save(b: FakeBackend, c: ExportChoiceView): Promise<ExportOutcomeView> {
    if (!['members', 'invitations', 'people', 'access-review'].includes(c.kind)) {
      throw { code: 'invalid_input', message: `${c.kind} is not a kind of export`, fields: [] };
    }
    const label = c.all_orgs ? 'all-organizations' : b.orgs.find((o) => o.active)!.name;
    const folder = '/home/me/Downloads';
    const file_name = `${label}-${c.kind}-2026-12-03.${c.format}`;
    this.dialogs.push({ title: `Save the ${c.kind.replace('-', ' ')} export`, folder, file_name });
    const answer = this.holdDialog
      ? await new Promise<string | null>((resolve) => (this.heldDialog = resolve))
      : this.dialogAnswers.length
        ? this.dialogAnswers.shift()!
        : `${folder}/${file_name}`;
    if (answer === null) return { saved: null };
    const existed = this.files.has(answer);
    this.files.set(answer, `${c.kind}.${c.format}`);
    this.saved.add(answer);
    return { saved: { path: answer, rows: 7, bytes: 321, replaced: existed } };
  }

  openFolder(path: string): string {
    if (!this.saved.has(path.trim())) {
      throw { code: 'invalid_input', message: `${path} is not a file this app saved an export to: only the folder of an export saved since the app started is opened`, fields: [] };
    }
    return path.trim().slice(0, path.trim().lastIndexOf('/')) || '/';
  }
}
