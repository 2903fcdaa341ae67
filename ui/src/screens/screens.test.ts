import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { backend, callsOf, makeMember } from '../test/fakeBackend';
import { openPage, renderApp } from '../test/render';

async function open(page: string) {
  await fireEvent.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: page }));
}

const viewer = () => {
  backend.canManage = false;
  backend.myRoles = ['Organization Viewer'];
};

describe('overview', () => {
  it('shows the organization facts, my role and billing for a manager', async () => {
    await renderApp();
    await openPage('Overview');
    expect(await screen.findByTestId('ov-name')).toHaveTextContent('alpha');
    for (const text of ['alpha Inc', 'The alpha organization', 'Pro', 'Active', 'Owner Person', 'owner@example.com', 'Organization Admin']) {
      expect(screen.getAllByText(text, { exact: false }).length).toBeGreaterThan(0);
    }
    expect(screen.getByText('Created')).toBeInTheDocument();
    expect(screen.getByText('Trial expiry')).toBeInTheDocument();
    expect(screen.getByText(/Last synced 5 minutes ago/)).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Open in dashboard' }));
    await waitFor(() => expect(callsOf('open_in_dashboard')).toEqual([{ org: 'o1', workspace: null }]));
    // The billing page is opened by the app, not by the webview (which opens nothing).
    await fireEvent.click(screen.getByRole('button', { name: 'Manage billing' }));
    await waitFor(() => expect(callsOf('open_billing')).toEqual([{ org: 'o1' }]));
  });

  it('copies the app link of the organization', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await renderApp();
    await openPage('Overview');
    await screen.findByTestId('ov-name');
    await fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('zenml-pro-desktop://org/o1'));
    expect(callsOf('organization_link')).toEqual([{ org: 'o1' }]);
    expect(await screen.findByRole('button', { name: 'Link copied' })).toBeInTheDocument();
  });

  it('hides the billing link without billing rights', async () => {
    await renderApp({ setup: viewer });
    await openPage('Overview');
    await screen.findByTestId('ov-name');
    expect(screen.queryByRole('button', { name: 'Manage billing' })).toBeNull();
  });
});

describe('settings', () => {
  it('validates the name on the client and saves', async () => {
    await renderApp();
    await open('Settings');
    const name = (await screen.findByLabelText('Name')) as HTMLInputElement;
    await waitFor(() => expect(name.value).toBe('alpha'));
    const save = screen.getByRole('button', { name: 'Save' });

    await fireEvent.input(name, { target: { value: '' } });
    expect(screen.getByText('Enter a name.')).toBeInTheDocument();
    expect(save).toBeDisabled();
    await fireEvent.input(name, { target: { value: 'x'.repeat(51) } });
    expect(screen.getByText(/at most 50 characters/)).toBeInTheDocument();
    await fireEvent.input(name, { target: { value: 'bad/name!' } });
    expect(screen.getByRole('alert')).toHaveTextContent(/Use only letters, digits, spaces/);
    expect(name).toHaveAttribute('aria-invalid', 'true');

    await fireEvent.input(name, { target: { value: 'alpha-2' } });
    await fireEvent.input(screen.getByLabelText('Description'), { target: { value: 'New words' } });
    expect(save).toBeEnabled();
    await fireEvent.click(save);
    await waitFor(() => expect(callsOf('update_organization')).toEqual([{ org: 'o1', name: 'alpha-2', description: 'New words' }]));
    expect(await screen.findByText(/Saved/)).toBeInTheDocument();
  });

  it('shows a server rejection inline in plain words', async () => {
    await renderApp({ setup: () => backend.fail('update_organization', 'conflict', 'name already taken') });
    await open('Settings');
    const name = (await screen.findByLabelText('Name')) as HTMLInputElement;
    await waitFor(() => expect(name.value).toBe('alpha'));
    await fireEvent.input(name, { target: { value: 'beta' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(/clashes with something/);
    expect(alert).toHaveTextContent('name already taken');
  });

  it('is disabled for a viewer, with a tooltip naming the roles needed', async () => {
    await renderApp({ setup: viewer });
    await open('Settings');
    const name = await screen.findByLabelText('Name');
    await waitFor(() => expect(name).toBeDisabled());
    expect(name).toHaveAttribute('title', 'Requires Organization Admin or Organization Manager');
    expect(screen.getByLabelText('Description')).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Save' }).parentElement).toHaveAttribute(
      'title',
      'Requires Organization Admin or Organization Manager',
    );
  });
});

describe('members', () => {
  it('pages through the backend 100 at a time', async () => {
    await renderApp();
    await open('Members');
    await waitFor(() => expect(screen.getByTestId('paging')).toHaveTextContent('Showing 1–100 of 252'));
    expect(callsOf('list_members')[0]).toEqual({
      org: 'o1',
      query: { search: null, role: null, kind: null, offset: 0, limit: 100 },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(screen.getByTestId('paging')).toHaveTextContent('Showing 101–200 of 252'));
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(screen.getByTestId('paging')).toHaveTextContent('Showing 201–252 of 252'));
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
  });

  it('a new page shows the rows on screen first, then the rest of its rows in a later frame', async () => {
    await renderApp();
    await open('Members');
    const rows = () => document.querySelectorAll('table.members tbody tr').length;
    await waitFor(() => expect(rows()).toBe(100));
    // Each change of the table, counted as it happens (before any later frame).
    const seen: number[] = [];
    const observer = new MutationObserver(() => seen.push(rows()));
    observer.observe(document.body, { childList: true, subtree: true });
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(screen.getByTestId('paging')).toHaveTextContent('Showing 101–200 of 252'));
    await waitFor(() => expect(rows()).toBe(100));
    observer.disconnect();
    const first = seen.find((n) => n !== 100) ?? 100;
    expect(first).toBeGreaterThanOrEqual(20);
    expect(first).toBeLessThan(100);
    expect(screen.getByText('user101@example.com')).toBeInTheDocument();
    expect(screen.getByText('user200@example.com')).toBeInTheDocument();
  });

  it('searches (debounced) and filters by role and kind through list_members', async () => {
    await renderApp();
    await open('Members');
    await screen.findByText('user1@example.com');
    await fireEvent.input(screen.getByLabelText('Search'), { target: { value: 'user12' } });
    await waitFor(() => expect(callsOf('list_members').at(-1)).toMatchObject({ query: { search: 'user12', offset: 0 } }));
    expect(await screen.findByText('user12@example.com')).toBeInTheDocument();

    const roleSelect = screen.getByLabelText('Role') as HTMLSelectElement;
    await waitFor(() => expect(within(roleSelect).getAllByRole('option').map((o) => o.textContent)).toContain('Organization Admin'));
    expect(within(roleSelect).queryByText('Workspace Admin')).toBeNull();
    await fireEvent.change(roleSelect, { target: { value: 'Organization Admin' } });
    await waitFor(() =>
      expect(callsOf('list_members').at(-1)).toMatchObject({ query: { search: 'user12', role: 'Organization Admin' } }),
    );
    await fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'team' } });
    await waitFor(() => expect(callsOf('list_members').at(-1)).toMatchObject({ query: { kind: 'team' } }));
  });

  it('shows kinds and roles, marking roles held through a team', async () => {
    await renderApp();
    await open('Members');
    await screen.findByText('user1@example.com');
    const row = screen.getByText('user1@example.com').closest('tr')!;
    expect(within(row).getByText('User')).toBeInTheDocument();
    expect(within(row).getByText(/via team/)).toBeInTheDocument();
  });

  it('shows an invitation whose name is its email once, breakable only at "@" and dots', async () => {
    await renderApp({
      setup: () =>
        backend.members.unshift(
          makeMember({ key: 'inv:x', kind: 'invitation', id: 'ix', name: null, email: 'late-reply@acme-ml.example' }),
        ),
    });
    await open('Members');
    // Its pieces with a hyphen are separate spans, so the address is matched on the whole element.
    const isAddress = (_: string, el: Element | null) =>
      !!el?.classList.contains('email') && el.textContent === 'late-reply@acme-ml.example';
    const cell = (await screen.findByText(isAddress)).closest('td')!;
    expect(within(cell).getAllByText(isAddress)).toHaveLength(1);
    expect(cell.querySelectorAll('wbr')).toHaveLength(2);
  });

  it('keeps the remove action on one line', async () => {
    await renderApp();
    await open('Members');
    const remove = await screen.findByRole('button', { name: 'Remove User 3' });
    expect(remove.closest('td')).toHaveClass('actions');
  });

  it('changes a role with the select through set_member_role', async () => {
    await renderApp();
    await open('Members');
    const select = (await screen.findByLabelText('Role of User 2')) as HTMLSelectElement;
    await waitFor(() => expect(select).toBeEnabled());
    await fireEvent.change(select, { target: { value: 'r-manager' } });
    await waitFor(() => expect(callsOf('set_member_role')).toEqual([{ org: 'o1', member: 'u2', role: 'r-manager' }]));
  });

  it('asks before removing a member; Esc cancels', async () => {
    await renderApp();
    await open('Members');
    const remove = await screen.findByRole('button', { name: 'Remove User 3' });
    await waitFor(() => expect(remove).toBeEnabled());
    await fireEvent.click(remove);
    let dialog = screen.getByRole('dialog', { name: 'Remove member?' });
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(callsOf('remove_member')).toHaveLength(0);

    await fireEvent.click(remove);
    dialog = screen.getByRole('dialog', { name: 'Remove member?' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(callsOf('remove_member')).toEqual([{ org: 'o1', member: 'u3' }]));
  });

  it('disables changes for a viewer with the tooltip', async () => {
    await renderApp({ setup: viewer });
    await open('Members');
    const select = await screen.findByLabelText('Role of User 2');
    await waitFor(() => expect(select).toBeDisabled());
    expect(select.parentElement).toHaveAttribute('title', 'Requires Organization Admin or Organization Manager');
    expect(screen.getByRole('button', { name: 'Remove User 2' })).toBeDisabled();
  });

  it('shows a forbidden change in plain words', async () => {
    await renderApp({ setup: () => backend.fail('set_member_role', 'forbidden', 'not allowed') });
    await open('Members');
    const select = (await screen.findByLabelText('Role of User 2')) as HTMLSelectElement;
    await waitFor(() => expect(select).toBeEnabled());
    await fireEvent.change(select, { target: { value: 'r-viewer' } });
    expect(await screen.findByRole('alert')).toHaveTextContent(/Your role does not allow this/);
    // Nothing changed, so nothing is read again: the select goes back to the role still held.
    expect(select.value).toBe('r-member');
    expect(select).toBeEnabled();
  });
});

describe('invitations', () => {
  it('marks invalid emails inline and sends only the valid ones with the role', async () => {
    await renderApp();
    await open('Invitations');
    const role = (await screen.findByLabelText('Role')) as HTMLSelectElement;
    await waitFor(() => expect(role.value).toBe('r-member'));
    expect(screen.getByText('Uses the workspaces')).toBeInTheDocument();
    await fireEvent.input(screen.getByLabelText('Email addresses'), {
      target: { value: 'a@example.com, not-an-email\nb@example.com  c@@x' },
    });
    const list = screen.getByRole('list', { name: 'Addresses to invite' });
    expect(within(list).getByText(/not-an-email — not a valid email address/)).toBeInTheDocument();
    expect(within(list).getByText(/c@@x — not a valid/)).toBeInTheDocument();
    expect(screen.getByText('2 addresses are not valid and will not be sent.')).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Invite 2 people' }));
    await waitFor(() =>
      expect(callsOf('invite')).toEqual([{ org: 'o1', emails: ['a@example.com', 'b@example.com'], role: 'r-member' }]),
    );
    expect(await screen.findByText('a@example.com: invited', { exact: false })).toBeInTheDocument();
  });

  it('lists pending invitations, revokes and resends, and shows all on request', async () => {
    await renderApp();
    await open('Invitations');
    const row = (await screen.findByText('pending@example.com')).closest('tr')!;
    expect(within(row).getByText('Pending')).toBeInTheDocument();
    expect(screen.queryByText('accepted@example.com')).toBeNull();
    await waitFor(() => expect(within(row).getByRole('button', { name: /Resend/ })).toBeEnabled());
    await fireEvent.click(within(row).getByRole('button', { name: /Resend/ }));
    await waitFor(() => expect(callsOf('resend_invitation')).toEqual([{ org: 'o1', invitation: 'i1' }]));
    await fireEvent.click(within(row).getByRole('button', { name: /Revoke/ }));
    await waitFor(() => expect(callsOf('revoke_invitation')).toEqual([{ org: 'o1', invitation: 'i1' }]));
    await waitFor(() => expect(screen.queryByText('pending@example.com')).toBeNull());

    await fireEvent.click(screen.getByLabelText(/Show accepted, expired and revoked/));
    expect(await screen.findByText('accepted@example.com')).toBeInTheDocument();
    expect(callsOf('list_invitations').at(-1)).toEqual({ org: 'o1', onlyPending: false });
  });
});

describe('workspaces, teams and roles', () => {
  it('shows a distinct badge with text for each of the six statuses', async () => {
    await renderApp();
    await open('Workspaces');
    const labels = ['Not initialized', 'Pending', 'Available', 'Failed', 'Deactivated', 'Deleted'];
    for (const label of labels) expect(await screen.findByText(label)).toBeInTheDocument();
    const badges = [...document.querySelectorAll('[data-status]')];
    expect(new Set(badges.map((b) => b.className.match(/status-\w+/)![0])).size).toBe(6);
    expect(screen.getAllByText('0.80.0')).toHaveLength(6);
    expect(screen.getByText('https://ws2.example.com')).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Open in dashboard (ws-available)' }));
    await waitFor(() => expect(callsOf('open_in_dashboard')).toEqual([{ org: 'o1', workspace: 'w2' }]));
  });

  it('lists teams with member counts and roles with levels', async () => {
    await renderApp();
    await open('Teams');
    const team = (await screen.findByText('Platform')).closest('tr')!;
    expect(within(team).getByText('12')).toBeInTheDocument();
    await open('Roles');
    const role = (await screen.findByText('Workspace Admin')).closest('tr')!;
    expect(within(role).getByText('workspace')).toBeInTheDocument();
  });
});
