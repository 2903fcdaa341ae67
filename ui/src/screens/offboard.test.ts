// Offboarding from a person's page, against the typed fake: the plan per organization (what it takes
// away, what cannot be done and why), a checkbox per organization narrowing the run's request, each
// step's result appearing as it completes, Cancel before the next step, and the summary naming
// exactly what remains; checked with axe.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../test/axe';
import { backend, callsOf } from '../test/fakeBackend';
import { renderApp } from '../test/render';

// axe walks every element: a shorter member list keeps a run quick.
const fewMembers = () => void backend.members.splice(10, 240);

async function openOffboard(name = 'User 1') {
  await fireEvent.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: 'People' }));
  await fireEvent.click(await screen.findByRole('option', { name: new RegExp(`^${name} `) }));
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
    expect(await axeViolations()).toEqual([]);
  });

  it('unchecking an organization narrows the run; the summary says all was done and the page reloads', async () => {
    await renderApp({ setup: fewMembers });
    const dialog = await openOffboard();
    await fireEvent.click(within(dialog).getByRole('checkbox', { name: 'beta' }));
    const persons = callsOf('person').length;
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove from 2 organizations' }));
    const summary = await within(dialog).findByTestId('offboard-summary');
    expect(callsOf('offboard_run')).toEqual([{ email: 'user1@example.com', orgs: ['o1', 'o3'] }]);
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
    expect(remaining.map((li) => li.textContent)).toEqual([
      'alpha: remove member user1@example.com — failed: the server failed (HTTP 500): try again later',
      'gamma: remove member user1@example.com — cannot: its member list is not visible to your role',
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
});
