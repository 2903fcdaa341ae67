// The fake Rust side's offboarding, made from the fake's own person pages (`fakeCross`): a step per
// membership (the roles held directly) and per pending invitation; organizations set `cannot` are
// blocked with their reason, those set `failing` fail with the server's words (and their later steps
// are not attempted), as core does. A run emits `offboard_progress` per step and `data_changed` per
// organization acted on; with `hold`, each step waits for `release()` (a request under way), so a test
// can cancel between steps.
import type { BlockedView, OffboardPlanView, OffboardReportView, RemainingView, StepResultView, StepView } from '../lib/api';
import type { FakeBackend } from './fakeBackend';
import { emit } from './fakeBackend';
import * as cross from './fakeCross';

export class FakeOffboard {
  /** Organizations (by name) whose steps fail, with the server's words. */
  failing = new Map<string, string>();
  /** Organizations (by name) where nothing can be done, with why. */
  cannot = new Map<string, string>();
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
      const mine: StepView[] = [];
      if (o.member_id) {
        const viaTeam = o.roles.filter((r) => r.via_team).map((r) => r.name);
        mine.push({
          ...base,
          action: 'remove_member',
          kind: o.kind,
          roles: o.roles.filter((r) => !r.via_team).map((r) => r.name),
          note: viaTeam.length ? `keeps ${viaTeam.join(', ')} through a team` : null,
        });
      }
      for (const inv of o.invitations.filter((i) => i.status === 'pending')) {
        mine.push({ ...base, action: 'revoke_invitation', kind: 'invitation', roles: [...inv.roles], note: null });
      }
      const why = this.cannot.get(o.org_name);
      if (why) {
        for (const s of mine) blocked.push({ org_id: s.org_id, org_name: s.org_name, account: s.account, action: s.action, label: s.label, roles: s.roles, reason: why });
      } else {
        steps.push(...mine);
      }
    }
    return { email: email.trim(), name: p.name, steps, blocked, not_there: [], organizations: picked.length, fetched_at: p.fetched_at, stale: p.stale };
  }

  async run(b: FakeBackend, email: string, orgs: string[]): Promise<OffboardReportView> {
    if (this.running) throw { code: 'conflict', message: 'an offboarding is already running', fields: [] };
    const plan = this.plan(b, email, orgs);
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
          if (message) stopped.add(step.org_id);
          r = message
            ? { step, status: 'failed', error: { code: 'server', message, fields: [] }, detail: null }
            : { step, status: 'done', error: null, detail: null };
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
        why: r.error ? `failed: ${r.error.message}` : `not attempted: ${r.detail}`,
      }));
    for (const x of plan.blocked) remaining.push({ org_id: x.org_id, org_name: x.org_name, account: x.account, action: x.action, label: x.label, why: `cannot: ${x.reason}` });
    const tried = new Map(results.filter((r) => r.status !== 'not_attempted').map((r) => [`${r.step.account_id}/${r.step.org_id}`, r.step]));
    for (const s of tried.values()) emit({ kind: 'data_changed', account_id: s.account_id, org_id: s.org_id, entities: ['members', 'invitations'] });
    const n = (s: StepResultView['status']) => results.filter((r) => r.status === s).length;
    return { results, done: n('done'), failed: n('failed'), not_attempted: n('not_attempted'), remaining, refresh_failures: [] };
  }

  cancel(): boolean {
    if (this.running) this.cancelled = true;
    return this.running;
  }
}
