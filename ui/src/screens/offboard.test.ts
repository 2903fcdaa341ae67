// Offboarding from a person's page, against the typed fake: the plan per organization (what it takes
// away, what cannot be done and why), a checkbox per organization narrowing the run to exactly the
// steps shown and kept (sent by id), the overrides sent as ticked, a plan that changed since it was
// shown said in plain words and read again, a step that needs an override run again once it is ticked,
// a membership already gone shown as done, workspace roles and teams listed (and sent) before the
// membership with what is out of the app's reach, each step's result appearing as it completes, Cancel before
// the next step, and the summary naming exactly what remains; checked with axe.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../test/axe';
import { backend, callsOf } from '../test/fakeBackend';
import { renderApp } from '../test/render';

// axe walks every element: a shorter member list keeps a run quick.
const fewMembers = () => void backend.members.splice(10, 240);

async function openOffboard(name = 'User 1', beforeOpening = () => {}) {
  await fireEvent.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: 'People' }));
  const option = await screen.findByRole('option', { name: new RegExp(`^${name} `) });
  beforeOpening();
  await fireEvent.click(option);
  await screen.findByRole('region', { name: 'alpha' });
  await fireEvent.click(within(screen.getByRole('toolbar', { name: 'Actions on this person' })).getByRole('button', { name: 'Offboard…' }));
  const dialog = await screen.findByRole('dialog', { name: `Offboard ${name}` });
  await within(dialog).findByRole('checkbox', { name: 'alpha' });
  return dialog;
}

function results(dialog: HTMLElement): string[] {
  return within(dialog)
    .queryAllByRole('listitem')
    .filter((li) => li.closest('ol'))
    .map((li) => li.textContent?.replace(/\s+/g, ' ').trim() ?? '');
}

describe('offboarding a person', { timeout: 30_000 }, () => {
  it('shows the plan per organization, with what cannot be done and why', async () => {
    await renderApp({ setup: () => (fewMembers(), backend.offboard.cannot.set('gamma', 'your role here (Organization Viewer) does not allow removing members')) });
    const dialog = await openOffboard();
    for (const name of ['alpha', 'beta', 'gamma']) expect(within(dialog).getByRole('checkbox', { name })).toBeChecked();
    expect(dialog).toHaveTextContent('takes away Organization Member');
    expect(dialog).toHaveTextContent('keeps Organization Manager through a team');
    expect(dialog).toHaveTextContent('Cannot remove member: your role here (Organization Viewer) does not allow removing members');
    // gamma has nothing that can be done: two organizations are acted on.
    expect(within(dialog).getByRole('button', { name: 'Remove from 2 organizations' })).toBeEnabled();
    expect(callsOf('offboard_plan')).toEqual([{ email: 'user1@example.com', orgs: [] }]);
    // The overrides are there, in plain words, and off.
    expect(within(dialog).getByRole('checkbox', { name: "Also remove my own account's access where it is the person's" })).not.toBeChecked();
    expect(within(dialog).getByRole('checkbox', { name: "Also remove an organization's last Organization Admin" })).not.toBeChecked();
    expect(await axeViolations()).toEqual([]);
  });

  it('unchecking an organization narrows the run; the summary says all was done and the page reloads', async () => {
    await renderApp({ setup: fewMembers });
    const dialog = await openOffboard();
    await fireEvent.click(within(dialog).getByRole('checkbox', { name: 'beta' }));
    const persons = callsOf('person').length;
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove from 2 organizations' }));
    const summary = await within(dialog).findByTestId('offboard-summary');
    // Exactly the steps shown in the organizations kept, by id; no override.
    expect(callsOf('offboard_run')).toEqual([
      {
        email: 'user1@example.com',
        steps: [
          { org_id: 'o1', action: 'remove_member', target_id: 'user-user1@example.com', workspace_id: null, project_id: null },
          { org_id: 'o3', action: 'remove_member', target_id: 'user-user1@example.com', workspace_id: null, project_id: null },
        ],
        overrides: { remove_self: false, last_admin: false },
      },
    ]);
    expect(summary).toHaveTextContent('Done 2 of 2 steps; 0 failed, 0 not attempted.');
    expect(summary).toHaveTextContent('Nothing remains.');
    expect(results(dialog)).toEqual(['alpha: remove member user1@example.com: done', 'gamma: remove member user1@example.com: done']);
    // The person page reads again after the run's changes (one per organization acted on).
    await waitFor(() => expect(callsOf('person').length).toBeGreaterThan(persons));
    expect(await axeViolations()).toEqual([]);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('a failure in one organization is said in plain words and the summary names exactly what remains', async () => {
    await renderApp({
      setup: () => {
        fewMembers();
        backend.offboard.failing.set('alpha', 'the server failed (HTTP 500): try again later');
        backend.offboard.cannot.set('gamma', 'its member list is not visible to your role');
      },
    });
    const dialog = await openOffboard();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove from 2 organizations' }));
    const summary = await within(dialog).findByTestId('offboard-summary');
    expect(results(dialog)).toEqual([
      'alpha: remove member user1@example.com: failed — the server failed (HTTP 500): try again later',
      'beta: remove member user1@example.com: done',
    ]);
    expect(summary).toHaveTextContent('Done 1 of 2 steps; 1 failed, 0 not attempted.');
    const remaining = within(within(summary).getByRole('list', { name: 'What remains' })).getAllByRole('listitem');
    // gamma had nothing that could be done (the plan said why): no step of it was sent.
    expect(remaining.map((li) => li.textContent)).toEqual([
      'alpha: remove member user1@example.com — failed: the server failed (HTTP 500): try again later',
    ]);
    // Nothing is tried again.
    expect(callsOf('offboard_run')).toHaveLength(1);
    expect(await axeViolations()).toEqual([]);
  });

  it('shows each result as it completes, and Cancel stops before the next step', async () => {
    await renderApp({ setup: () => (fewMembers(), (backend.offboard.hold = true)) });
    const dialog = await openOffboard();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove from 3 organizations' }));
    await waitFor(() => expect(backend.offboard.waitingSteps).toBe(1));
    expect(within(dialog).getByTestId('offboard-progress')).toHaveTextContent('Step 1 of 3');
    expect(results(dialog)).toEqual([]);
    backend.offboard.release();
    await waitFor(() => expect(results(dialog)).toEqual(['alpha: remove member user1@example.com: done']));
    expect(within(dialog).getByTestId('offboard-progress')).toHaveTextContent('Step 2 of 3');
    expect(within(dialog).getByRole('progressbar', { name: 'Steps carried out' })).toHaveAttribute('value', '1');
    // beta is under way: Cancel lets it finish and stops before gamma.
    await waitFor(() => expect(backend.offboard.waitingSteps).toBe(1));
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(callsOf('cancel_offboard')).toHaveLength(1));
    backend.offboard.release();
    const summary = await within(dialog).findByTestId('offboard-summary');
    expect(results(dialog)).toEqual([
      'alpha: remove member user1@example.com: done',
      'beta: remove member user1@example.com: done',
      'gamma: remove member user1@example.com: not attempted — cancelled before it started',
    ]);
    expect(summary).toHaveTextContent('Done 2 of 3 steps; 0 failed, 1 not attempted.');
    expect(summary).toHaveTextContent('gamma: remove member user1@example.com — not attempted: cancelled before it started');
  });

  it('sends exactly the steps shown, an invitation by its id, and the override ticked', async () => {
    await renderApp({ setup: fewMembers });
    // Invited again while still a member (People lists one person per email: added once it is shown).
    const dialog = await openOffboard('User 1', () =>
      backend.invitations.push({ ...backend.invitations[0], id: 'inv-user1', email: 'user1@example.com', status: 'pending' }),
    );
    expect(dialog).toHaveTextContent('Revoke the pending invitation');
    await fireEvent.click(within(dialog).getByRole('checkbox', { name: 'gamma' }));
    await fireEvent.click(within(dialog).getByRole('checkbox', { name: "Also remove an organization's last Organization Admin" }));
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove from 2 organizations' }));
    await within(dialog).findByTestId('offboard-summary');
    expect(callsOf('offboard_run')).toEqual([
      {
        email: 'user1@example.com',
        steps: [
          { org_id: 'o1', action: 'remove_member', target_id: 'user-user1@example.com', workspace_id: null, project_id: null },
          { org_id: 'o1', action: 'revoke_invitation', target_id: 'inv-user1', workspace_id: null, project_id: null },
          { org_id: 'o2', action: 'remove_member', target_id: 'user-user1@example.com', workspace_id: null, project_id: null },
        ],
        overrides: { remove_self: false, last_admin: true },
      },
    ]);
    expect(results(dialog)).toEqual([
      'alpha: remove member user1@example.com: done',
      'alpha: revoke invitation user1@example.com: done',
      'beta: remove member user1@example.com: done',
    ]);
  });

  it('a plan that changed since it was shown runs nothing: said in plain words, and read again', async () => {
    await renderApp({ setup: fewMembers });
    const dialog = await openOffboard();
    // Meanwhile beta can no longer be acted on: its step is no longer in the plan.
    backend.offboard.cannot.set('beta', 'your role here (Organization Viewer) does not allow removing members');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove from 3 organizations' }));
    const changed = await within(dialog).findByTestId('plan-changed');
    expect(changed).toHaveAttribute('role', 'alert');
    expect(changed).toHaveTextContent('The plan changed since it was shown, so nothing was done. Look at it again before running it.');
    expect(changed).toHaveTextContent('remove member user-user1@example.com in organization o2 is no longer in it');
    expect(within(dialog).queryByTestId('offboard-summary')).toBeNull();
    expect(within(dialog).getByRole('button', { name: 'Remove from 3 organizations' })).toBeDisabled();
    const reload = within(dialog).getByRole('button', { name: 'Reload the plan' });
    await waitFor(() => expect(reload).toHaveFocus());
    expect(await axeViolations()).toEqual([]);
    await fireEvent.click(reload);
    await waitFor(() => expect(within(dialog).queryByTestId('plan-changed')).toBeNull());
    expect(callsOf('offboard_plan')).toHaveLength(2);
    expect(dialog).toHaveTextContent('Cannot remove member: your role here (Organization Viewer) does not allow removing members');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove from 2 organizations' }));
    await within(dialog).findByTestId('offboard-summary');
    expect(callsOf('offboard_run').at(-1)).toMatchObject({ steps: [{ org_id: 'o1' }, { org_id: 'o3' }] });
  });

  it('a step that needs an override says which; ticked, the remaining steps run again', async () => {
    await renderApp({
      setup: () => {
        fewMembers();
        backend.offboard.needs.set('beta', 'last_admin');
        backend.offboard.gone.add('gamma');
      },
    });
    const dialog = await openOffboard();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove from 3 organizations' }));
    const summary = await within(dialog).findByTestId('offboard-summary');
    expect(results(dialog)).toEqual([
      'alpha: remove member user1@example.com: done',
      'beta: remove member user1@example.com: failed — user1@example.com is the last Organization Admin of beta on the server: removing them leaves no one to manage it. Confirm it on purpose (zpro: --allow-last-admin; the window: the checkbox) Needs “Also remove an organization\'s last Organization Admin”.',
      'gamma: remove member user1@example.com: done, already gone (the server no longer had it)',
    ]);
    expect(summary).toHaveTextContent('Done 2 of 3 steps; 1 failed, 0 not attempted.');
    const again = within(dialog).getByTestId('run-again');
    expect(again).toHaveTextContent('Tick the box if you mean it, then run the remaining steps again.');
    expect(again).toHaveTextContent('(needed by 1 step)');
    const rerun = within(dialog).getByRole('button', { name: 'Run the remaining 1 step again' });
    expect(rerun).toBeDisabled();
    expect(await axeViolations()).toEqual([]);
    await fireEvent.click(within(again).getByRole('checkbox', { name: /^Also remove an organization's last Organization Admin/ }));
    expect(rerun).toBeEnabled();
    await fireEvent.click(rerun);
    await waitFor(() => expect(callsOf('offboard_run')).toHaveLength(2));
    expect(callsOf('offboard_run')[1]).toEqual({
      email: 'user1@example.com',
      steps: [{ org_id: 'o2', action: 'remove_member', target_id: 'user-user1@example.com', workspace_id: null, project_id: null }],
      overrides: { remove_self: false, last_admin: true },
    });
    await waitFor(() => expect(within(dialog).getByTestId('offboard-summary')).toHaveTextContent('Done 1 of 1 step; 0 failed, 0 not attempted.'));
    expect(results(dialog)).toEqual(['beta: remove member user1@example.com: done']);
    expect(within(dialog).queryByTestId('run-again')).toBeNull();
  });

  it('lists workspace roles and teams before the membership, sends each exactly, and says what is out of reach', async () => {
    await renderApp({
      setup: () => {
        fewMembers();
        backend.offboard.roles.set('alpha', [{ role_id: 'r-dev', role: 'Workspace Developer', workspace_id: 'w1', workspace: 'research' }]);
        backend.offboard.teams.set('alpha', [{ id: 't-plat', name: 'platform' }]);
      },
    });
    const dialog = await openOffboard();
    const alpha = within(dialog).getByRole('checkbox', { name: 'alpha' }).closest('li')!;
    const lines = within(alpha as HTMLElement)
      .getAllByRole('listitem')
      .map((li) => li.textContent?.replace(/\s+/g, ' ').trim() ?? '');
    expect(lines[0]).toMatch(/^Revoke Workspace Developer on research \(through /);
    expect(lines[1]).toMatch(/^Leave team platform \(through /);
    expect(lines[2]).toMatch(/^Remove the membership/);
    // Leaving the team takes its roles away: no "keeps … through a team" here.
    expect(lines[2]).not.toContain('through a team');
    const reach = within(dialog).getByTestId('out-of-reach');
    expect(reach).toHaveTextContent('up to an hour');
    expect(reach).toHaveTextContent('check them in each workspace');
    for (const name of ['beta', 'gamma']) await fireEvent.click(within(dialog).getByRole('checkbox', { name }));
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove from 1 organization' }));
    const summary = await within(dialog).findByTestId('offboard-summary');
    const sent = callsOf('offboard_run')[0] as { steps: unknown[] };
    expect(sent.steps.slice(0, 2)).toEqual([
      { org_id: 'o1', action: 'revoke_role', target_id: 'r-dev', workspace_id: 'w1', project_id: null },
      { org_id: 'o1', action: 'leave_team', target_id: 't-plat', workspace_id: null, project_id: null },
    ]);
    expect(results(dialog).slice(0, 3)).toEqual([
      'alpha: revoke role user1@example.com (Workspace Developer on research): done',
      'alpha: leave team user1@example.com (team platform): done',
      'alpha: remove member user1@example.com: done',
    ]);
    expect(within(summary).getByTestId('out-of-reach')).toHaveTextContent('up to an hour');
    expect(await axeViolations()).toEqual([]);
  });
});
