import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { CommandName } from '../lib/bindings/commands';
import { backend } from '../test/fakeBackend';
import { openPage, renderApp } from '../test/render';

async function open(page: string) {
  await fireEvent.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: page }));
}

const HIDDEN = 'Not visible to your role — the server did not let your role read this list.';

// Each listing page, its command and the words it uses for an empty list.
const LISTS: { page: string; command: CommandName; empty: RegExp }[] = [
  { page: 'Members', command: 'list_members', empty: /No members/ },
  { page: 'Invitations', command: 'list_invitations', empty: /No (pending )?invitations/ },
  { page: 'Workspaces', command: 'list_workspaces', empty: /No workspaces/ },
  { page: 'Teams', command: 'list_teams', empty: /No teams/ },
  { page: 'Roles', command: 'list_roles', empty: /No roles/ },
];

describe('a list the server does not let the role read', () => {
  for (const l of LISTS) {
    it(`${l.page}: says it is not visible to the role, not that there is none`, async () => {
      await renderApp({ setup: () => backend.hide(l.command) });
      await open(l.page);
      expect(await screen.findByText(HIDDEN)).toBeInTheDocument();
      expect(screen.queryByText(l.empty)).toBeNull();
    });
  }

  it('Members: the line sits in the table body and the pager does not say none match', async () => {
    await renderApp({ setup: () => backend.hide('list_members') });
    await open('Members');
    const cell = await screen.findByText(HIDDEN);
    expect(cell.closest('tbody')).not.toBeNull();
    expect(screen.getByTestId('paging')).toHaveTextContent('Not visible to your role.');
  });

  it('Teams: the line replaces the rows; an empty list that is visible still says "No teams."', async () => {
    await renderApp({ setup: () => backend.hide('list_teams') });
    await open('Teams');
    const cell = await screen.findByText(HIDDEN);
    expect(cell.closest('tbody')).not.toBeNull();
    expect(screen.queryByText('Platform')).toBeNull();
  });

  it('Teams: an empty list the role may read still says "No teams."', async () => {
    await renderApp({ setup: () => (backend.teams = []) });
    await open('Teams');
    expect(await screen.findByText('No teams.')).toBeInTheDocument();
    expect(screen.queryByText(HIDDEN)).toBeNull();
  });
});

describe('rows the last sync could not read', () => {
  it('shows a quiet notice with the count under the title, and Diagnostics opens that page', async () => {
    await renderApp({ setup: () => backend.skip('list_teams', 1) });
    await open('Teams');
    const notice = await screen.findByTestId('skipped-rows');
    expect(notice).toHaveAttribute('role', 'status');
    expect(notice).toHaveTextContent('1 row could not be read');
    // The rows it could read are still there.
    expect(screen.getByText('Platform')).toBeInTheDocument();
    await fireEvent.click(within(notice).getByRole('button', { name: 'Open Diagnostics' }));
    expect(await screen.findByRole('heading', { name: 'Diagnostics' })).toBeInTheDocument();
    expect(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: 'Diagnostics' })).toHaveAttribute(
      'aria-current',
      'page',
    );
  });

  it('counts several rows in words, on every listing page', async () => {
    await renderApp({ setup: () => LISTS.forEach((l, i) => backend.skip(l.command, 1000 + i)) });
    for (const [i, l] of LISTS.entries()) {
      await open(l.page);
      await waitFor(() => expect(screen.getByTestId('skipped-rows')).toHaveTextContent(`${(1000 + i).toLocaleString('en-US')} rows could not be read`));
    }
  });

  it('says nothing when every row was read', async () => {
    await renderApp();
    await open('Members');
    await screen.findByText('user1@example.com');
    expect(screen.queryByTestId('skipped-rows')).toBeNull();
    expect(screen.queryByText(/could not be read/)).toBeNull();
  });
});

describe('what the server did not say', () => {
  it('Overview: counts of lists the role may not see, and missing dates', async () => {
    await renderApp({
      setup: () => {
        backend.hide('list_members');
        backend.hide('list_workspaces');
        backend.orgs[0].created = null;
        backend.orgs[0].updated = null;
      },
    });
    await openPage('Overview');
    await screen.findByTestId('ov-name');
    expect(screen.getByTestId('ov-members')).toHaveTextContent('Not visible to your role');
    expect(screen.getByTestId('ov-workspaces')).toHaveTextContent('Not visible to your role');
    const created = screen.getByText('Created').nextElementSibling!;
    const updated = screen.getByText('Updated').nextElementSibling!;
    expect(created).toHaveTextContent('—');
    expect(updated).toHaveTextContent('—');
  });

  it('Overview: the counts when they are visible', async () => {
    await renderApp();
    await openPage('Overview');
    await screen.findByTestId('ov-name');
    expect(screen.getByTestId('ov-members')).toHaveTextContent('252');
    expect(screen.getByTestId('ov-workspaces')).toHaveTextContent('6');
  });

  it('Roles: a level the server did not give shows as a dash', async () => {
    await renderApp({
      setup: () =>
        backend.roles.push({ id: 'r-custom', name: 'Custom Role', description: null, level: 'unknown', system_managed: false }),
    });
    await open('Roles');
    const row = (await screen.findByText('Custom Role')).closest('tr')!;
    expect(within(row).queryByText('unknown')).toBeNull();
    expect((row as HTMLTableRowElement).cells[1]).toHaveTextContent(/^—$/);
  });
});

describe('role gating while the role is not known', () => {
  it('does not claim the role lacks the right when the access could not be read', async () => {
    await renderApp({ setup: () => backend.fail('my_access', 'internal', 'db locked') });
    await open('Invitations');
    expect(await screen.findByText('Could not load your role in this organization.')).toBeInTheDocument();
    expect(screen.queryByText(/Requires Organization Admin or Organization Manager/)).toBeNull();
    expect(screen.getByLabelText('Email addresses')).not.toHaveAttribute('title');
  });
});
