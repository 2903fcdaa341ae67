// The fake Rust side's offboarding, made from the fake's own person pages (`fakeCross`): per
// organization, a step per workspace role set in `roles` and per team set in `teams` (as the server
// would show them), then one for the membership (the roles held directly) and one per pending
// invitation, each with its target's id; every plan and report says what is out of reach;
// organizations set `cannot` are blocked with their reason, those set `failing` fail with the server's
// words (and their later steps are not attempted), as core does. A run carries out exactly the steps
// the window sent back by id: one the plan (made again now) no longer has is a `conflict` before
// anything runs. A membership in an organization set `gone` was removed on the server already (done,
// "already gone"); a removal in one set `needs` stops for that override unless the run allows it. A run
// emits `offboard_progress` per step and `data_changed` per organization acted on; with `hold`, each
// step waits for `release()` (a request under way), so a test can cancel between steps.
import type {
  BlockedView,
  OffboardPlanView,
  OffboardReportView,
  OverridesView,
  RemainingView,
  StepRefView,
  StepResultView,
  StepView,
} from '../lib/api';
import type { FakeBackend } from './fakeBackend';
import { emit } from './fakeBackend';
import * as cross from './fakeCross';

/** Core's `OUT_OF_REACH`. */
export const OUT_OF_REACH = [
  'Tokens already issued to the person stay valid until they expire, up to an hour after the offboarding.',
  'Keys of legacy workspace-level service accounts are not visible to this app: check them in each workspace.',
];

export class FakeOffboard {
  /** Organizations (by name) whose steps fail, with the server's words. */
  failing = new Map<string, string>();
  /** Organizations (by name) where nothing can be done, with why. */
  cannot = new Map<string, string>();
  /** Organizations (by name) where the membership is already gone from the server. */
  gone = new Set<string>();
  /** Organizations (by name) where removing the person needs an override. */
  needs = new Map<string, keyof OverridesView>();
  /** Organizations (by name) where the person holds workspace roles: (role id, role, workspace id, workspace). */
  roles = new Map<string, { role_id: string; role: string; workspace_id: string; workspace: string }[]>();
  /** Organizations (by name) where the person is in teams: (team id, team name). */
  teams = new Map<string, { id: string; name: string }[]>();
  /** Each step waits for `release()` before it completes. */
  hold = false;
  private waiting: (() => void)[] = [];
  private cancelled = false;
  private running = false;

  /** Lets the steps waiting complete. */
  release() {
    const w = this.waiting;
    this.waiting = [];
    for (const f of w) f();
  }

  /** How many steps are waiting for `release()`. */
  get waitingSteps() {
    return this.waiting.length;
  }

  plan(b: FakeBackend, email: string, orgs: string[]): OffboardPlanView {
    const p = cross.person(b, email);
    const picked = p.organizations.filter((o) => orgs.length === 0 || orgs.includes(o.org_id) || orgs.includes(o.org_name));
    const steps: StepView[] = [];
    const blocked: BlockedView[] = [];
    for (const o of picked) {
      const base = { account_id: o.account_id, account: o.account, org_id: o.org_id, org_name: o.org_name, label: p.email ?? p.key };
      const none = { workspace_id: null, project_id: null, member_id: null, on: null };
      const mine: StepView[] = [];
      if (o.member_id) {
        const person = { member_id: `user-${o.member_id}`, kind: o.kind, note: null, project_id: null };
        for (const g of this.roles.get(o.org_name) ?? []) {
          mine.push({ ...base, ...person, action: 'revoke_role', target_id: g.role_id, workspace_id: g.workspace_id, roles: [g.role], on: `${g.role} on ${g.workspace}` });
        }
        const teams = this.teams.get(o.org_name) ?? [];
        for (const t of teams) {
          mine.push({ ...base, ...person, action: 'leave_team', target_id: t.id, workspace_id: null, roles: [], on: `team ${t.name}` });
        }
        const viaTeam = o.roles.filter((r) => r.via_team).map((r) => r.name);
        mine.push({
          ...base,
          ...none,
          action: 'remove_member',
          target_id: `user-${o.member_id}`,
          kind: o.kind,
          roles: o.roles.filter((r) => !r.via_team).map((r) => r.name),
          note: viaTeam.length && !teams.length ? `keeps ${viaTeam.join(', ')} through a team` : null,
        });
      }
      for (const inv of o.invitations.filter((i) => i.status === 'pending')) {
        mine.push({ ...base, ...none, action: 'revoke_invitation', target_id: inv.id, kind: 'invitation', roles: [...inv.roles], note: null });
      }
      const why = this.cannot.get(o.org_name);
      if (why) {
        for (const s of mine) blocked.push({ org_id: s.org_id, org_name: s.org_name, account: s.account, action: s.action, label: s.label, roles: s.roles, reason: why });
      } else {
        steps.push(...mine);
      }
    }
    return { email: email.trim(), name: p.name, steps, blocked, not_there: [], organizations: picked.length, fetched_at: p.fetched_at, stale: p.stale, out_of_reach: [...OUT_OF_REACH] };
  }

  async run(b: FakeBackend, email: string, refs: StepRefView[], overrides: OverridesView): Promise<OffboardReportView> {
    if (this.running) throw { code: 'conflict', message: 'an offboarding is already running', fields: [] };
    if (refs.length === 0) throw { code: 'invalid_input', message: 'no step chosen: nothing to do', fields: [] };
    const plan = this.plan(b, email, [...new Set(refs.map((r) => r.org_id))]);
    const is = (s: StepView, r: StepRefView) =>
      s.org_id === r.org_id && s.action === r.action && s.target_id === r.target_id && s.workspace_id === (r.workspace_id ?? null) && s.project_id === (r.project_id ?? null);
    const missing = refs.filter((r) => !plan.steps.some((s) => is(s, r)));
    if (missing.length) {
      const words = missing.map((r) => `${r.action.replace('_', ' ')} ${r.target_id} in organization ${r.org_id}`).join(', ');
      throw { code: 'conflict', message: `the plan changed since it was shown: ${words} is no longer in it; look at the plan again`, fields: [] };
    }
    plan.steps = plan.steps.filter((s) => refs.some((r) => is(s, r)));
    this.running = true;
    this.cancelled = false;
    const results: StepResultView[] = [];
    const stopped = new Set<string>();
    try {
      for (const [i, step] of plan.steps.entries()) {
        let r: StepResultView;
        if (stopped.has(step.org_id)) {
          r = { step, status: 'not_attempted', error: null, detail: `an earlier step in ${step.org_name} failed` };
        } else if (this.cancelled) {
          r = { step, status: 'not_attempted', error: null, detail: 'cancelled before it started' };
        } else {
          if (this.hold) await new Promise<void>((res) => this.waiting.push(res));
          const message = this.failing.get(step.org_name);
          const needs = step.action !== 'revoke_invitation' ? this.needs.get(step.org_name) : undefined;
          if (message) {
            r = { step, status: 'failed', error: { code: 'server', message, fields: [] }, detail: null };
          } else if (needs && !overrides[needs]) {
            r = { step, status: 'failed', error: { code: 'conflict', message: overrideMessage(needs, step), fields: [{ field: 'override', message: needs }] }, detail: null };
          } else if (step.action === 'remove_member' && this.gone.has(step.org_name)) {
            r = { step, status: 'done', error: null, detail: 'already gone' };
          } else {
            r = { step, status: 'done', error: null, detail: null };
          }
          if (r.status === 'failed') stopped.add(step.org_id);
        }
        results.push(r);
        emit({ kind: 'offboard_progress', index: i + 1, total: plan.steps.length, result: structuredClone(r) });
      }
    } finally {
      this.running = false;
    }
    const remaining: RemainingView[] = results
      .filter((r) => r.status !== 'done')
      .map((r) => ({
        org_id: r.step.org_id,
        org_name: r.step.org_name,
        account: r.step.account,
        action: r.step.action,
        label: r.step.label,
        on: r.step.on,
        why: r.error ? `failed: ${r.error.message}` : `not attempted: ${r.detail}`,
      }));
    for (const x of plan.blocked) remaining.push({ org_id: x.org_id, org_name: x.org_name, account: x.account, action: x.action, label: x.label, on: null, why: `cannot: ${x.reason}` });
    const tried = new Map(results.filter((r) => r.status !== 'not_attempted').map((r) => [`${r.step.account_id}/${r.step.org_id}`, r.step]));
    for (const s of tried.values()) emit({ kind: 'data_changed', account_id: s.account_id, org_id: s.org_id, entities: ['members', 'invitations', 'teams'] });
    const n = (s: StepResultView['status']) => results.filter((r) => r.status === s).length;
    return { results, done: n('done'), failed: n('failed'), not_attempted: n('not_attempted'), remaining, refresh_failures: [], out_of_reach: [...OUT_OF_REACH] };
  }

  cancel(): boolean {
    if (this.running) this.cancelled = true;
    return this.running;
  }
}

/** Core's words when a removal stops for an override. */
function overrideMessage(needs: keyof OverridesView, s: StepView): string {
  return needs === 'remove_self'
    ? `${s.label} is the account you act as in ${s.org_name}: offboarding it takes away your own access there. Confirm it on purpose (zpro: --allow-self; the window: the checkbox)`
    : `${s.label} is the last Organization Admin of ${s.org_name} on the server: removing them leaves no one to manage it. Confirm it on purpose (zpro: --allow-last-admin; the window: the checkbox)`;
}
