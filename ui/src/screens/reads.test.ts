// One change, one read: after a write the screen reads again only when the app announces the change
// (`data_changed`), and then only the lists made of what changed, each once.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { CommandName } from '../lib/bindings/commands';
import { backend, callsOf, emit, invoke } from '../test/fakeBackend';
import { renderApp } from '../test/render';

const LISTS: CommandName[] = [
  'list_organizations',
  'organization_overview',
  'my_access',
  'list_members',
  'list_invitations',
  'list_workspaces',
  'list_teams',
  'list_roles',
];

async function open(page: string) {
  await fireEvent.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: page }));
}

/** Lets every pending reply, event and effect run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}

/** The app started, its first sync is done and the page has read what it shows; the count starts now. */
async function ready(page: string, shows: () => Promise<unknown>) {
  await renderApp();
  await waitFor(() => expect(callsOf('sync_now')).toHaveLength(1));
  await waitFor(() => expect(screen.getByRole('button', { name: 'Refresh' })).toBeEnabled());
  await open(page);
  await shows();
  await settle();
  invoke.mockClear();
}

/** How many times each read was called since the count started (reads never called are left out). */
function reads(): Partial<Record<CommandName, number>> {
  const counts: Partial<Record<CommandName, number>> = {};
  for (const cmd of LISTS) {
    const n = callsOf(cmd).length;
    if (n) counts[cmd] = n;
  }
  return counts;
}

describe('reads after a write', () => {
  it('changing a role on Members reads the members once and nothing about invitations', async () => {
    await ready('Members', () => screen.findByText('user2@example.com'));
    const select = screen.getByLabelText('Role of User 2') as HTMLSelectElement;
    await fireEvent.change(select, { target: { value: 'r-manager' } });
    await waitFor(() => expect(callsOf('set_member_role')).toHaveLength(1));
    await waitFor(() => {
      const row = screen.getByText('user2@example.com').closest('tr')!;
      expect(row.querySelector('.roles')).toHaveTextContent('Organization Manager');
    });
    await settle();
    // The role may have changed what the user may do, so the access is read again too.
    expect(reads()).toEqual({ list_members: 1, my_access: 1 });
    expect(callsOf('list_invitations')).toHaveLength(0);
  });

  it('removing a member reads the members once', async () => {
    await ready('Members', () => screen.findByText('user3@example.com'));
    await fireEvent.click(screen.getByRole('button', { name: 'Remove User 3' }));
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.queryByText('user3@example.com')).toBeNull());
    await settle();
    expect(reads()).toEqual({ list_members: 1, my_access: 1 });
  });

  it('revoking an invitation reads the invitations once and nothing else', async () => {
    await ready('Invitations', () => screen.findByText('pending@example.com'));
    const row = screen.getByText('pending@example.com').closest('tr')!;
    await fireEvent.click(within(row).getByRole('button', { name: /Revoke/ }));
    await waitFor(() => expect(screen.queryByText('pending@example.com')).toBeNull());
    await settle();
    expect(callsOf('revoke_invitation')).toHaveLength(1);
    expect(reads()).toEqual({ list_invitations: 1 });
  });

  it('inviting reads the invitations once and nothing else', async () => {
    await ready('Invitations', () => screen.findByText('pending@example.com'));
    await fireEvent.input(screen.getByLabelText('Email addresses'), { target: { value: 'new@example.com' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Invite' }));
    expect(await screen.findByText('new@example.com')).toBeInTheDocument();
    await settle();
    expect(reads()).toEqual({ list_invitations: 1 });
  });

  it('saving the settings reads the organization and the organization list once each', async () => {
    await ready('Settings', async () => {
      const name = (await screen.findByLabelText('Name')) as HTMLInputElement;
      await waitFor(() => expect(name.value).toBe('alpha'));
    });
    await fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'alpha-2' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(/Saved/)).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('navigation', { name: 'Organizations' })).toHaveTextContent('alpha Inc'));
    await settle();
    expect(reads()).toEqual({ organization_overview: 1, list_organizations: 1, my_access: 1 });
  });
});

describe('reads after a sync or an event', () => {
  it('a sync reads each list on screen once', async () => {
    await ready('Members', () => screen.findByText('user1@example.com'));
    await fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(callsOf('sync_now')).toHaveLength(1));
    await settle();
    expect(reads()).toEqual({ list_organizations: 1, my_access: 1, list_members: 1, list_roles: 1 });
  });

  it('a sync on Overview reads the overview once', async () => {
    await ready('Overview', () => screen.findByTestId('ov-name'));
    emit({
      kind: 'data_changed',
      account_id: 'acc1',
      org_id: null,
      entities: ['organizations', 'organization', 'members', 'invitations', 'workspaces', 'teams', 'roles'],
    });
    await settle();
    expect(reads()).toEqual({ list_organizations: 1, my_access: 1, organization_overview: 1 });
  });

  it('a change of something not on screen reads nothing', async () => {
    await ready('Teams', () => screen.findByText('Platform'));
    emit({ kind: 'data_changed', account_id: 'acc1', org_id: 'o1', entities: ['invitations'] });
    await settle();
    expect(reads()).toEqual({});
  });

  it('a change in another organization or another account reads nothing of the page', async () => {
    await ready('Members', () => screen.findByText('user1@example.com'));
    emit({ kind: 'data_changed', account_id: 'acc1', org_id: 'o2', entities: ['members', 'roles'] });
    emit({ kind: 'data_changed', account_id: 'acc2', org_id: null, entities: ['members', 'organizations'] });
    await settle();
    expect(reads()).toEqual({});
  });

  it('switching the organization reads its page and its access once', async () => {
    await ready('Members', () => screen.findByText('user1@example.com'));
    await fireEvent.keyDown(window, { key: '2', ctrlKey: true });
    await waitFor(() => expect(callsOf('switch_organization')).toHaveLength(1));
    await settle();
    expect(reads()).toEqual({ my_access: 1, list_members: 1, list_roles: 1 });
  });
});

describe('what the user may do, from one store', () => {
  it('screens that grey controls out read the access once, never the overview', async () => {
    await renderApp();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Refresh' })).toBeEnabled());
    for (const page of ['Members', 'Invitations']) {
      await open(page);
      await settle();
    }
    await open('Overview');
    await screen.findByTestId('ov-name');
    await settle();
    invoke.mockClear();
    for (const page of ['Members', 'Invitations', 'Settings']) {
      await open(page);
      await settle();
    }
    expect(callsOf('my_access')).toHaveLength(0);
    expect(callsOf('organization_overview')).toEqual([{ org: 'o1' }]); // Settings' name and description
  });

  it('follows a change of the roles announced for the organization', async () => {
    await renderApp({
      setup: () => {
        backend.canManage = false;
        backend.myRoles = ['Organization Viewer'];
      },
    });
    await open('Members');
    const select = await screen.findByLabelText('Role of User 2');
    await waitFor(() => expect(select).toBeDisabled());
    await settle();
    invoke.mockClear();
    backend.canManage = true;
    backend.myRoles = ['Organization Admin'];
    emit({ kind: 'data_changed', account_id: 'acc1', org_id: 'o1', entities: ['members'] });
    await waitFor(() => expect(screen.getByLabelText('Role of User 2')).toBeEnabled());
    await settle();
    expect(callsOf('my_access')).toEqual([{ org: 'o1' }]);
  });

  it('reads the access again when the session changed', async () => {
    await ready('Invitations', () => screen.findByText('pending@example.com'));
    emit({ kind: 'session_changed' });
    await waitFor(() => expect(callsOf('my_access')).toHaveLength(1));
    await settle();
    expect(callsOf('my_access')).toHaveLength(1);
    expect(callsOf('list_invitations')).toHaveLength(0);
  });

  it('does not use one organization\'s access for another', async () => {
    await ready('Members', () => screen.findByText('user1@example.com'));
    let answer: (() => void) | null = null;
    const original = backend.handlers.my_access;
    backend.handlers.my_access = (args) => new Promise((resolve) => (answer = () => resolve(original(args))));
    try {
      await fireEvent.keyDown(window, { key: '2', ctrlKey: true });
      // Until the new organization's access is read, nothing may be changed.
      await waitFor(() => expect(screen.getByLabelText('Role of User 2')).toBeDisabled());
      answer!();
      await waitFor(() => expect(screen.getByLabelText('Role of User 2')).toBeEnabled());
    } finally {
      backend.handlers.my_access = original;
    }
  });
});
