// The organization admin pages: teams and a team's page, a workspace's lifecycle and access, who holds
// a role, and the service accounts. Each write sends what the form says, and the page reads again only
// when the app announces the change.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../test/axe';
import { backend, callsOf } from '../test/fakeBackend';
import { renderApp } from '../test/render';

async function open(page: string) {
  await fireEvent.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: page }));
}

const viewer = () => {
  backend.canManage = false;
  backend.myRoles = ['Organization Viewer'];
};

describe('teams', { timeout: 30_000 }, () => {
  it('creates a team with a member and opens its page', async () => {
    await renderApp();
    await open('Teams');
    await fireEvent.click(await screen.findByRole('button', { name: 'New team' }));
    const create = screen.getByRole('button', { name: 'Create team' });
    expect(create).toBeDisabled();
    await fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'Data' } });
    await fireEvent.input(screen.getByLabelText(/^Members/), { target: { value: 'not-an-email' } });
    expect(screen.getByRole('alert')).toHaveTextContent('Not a valid email address: not-an-email');
    expect(create).toBeDisabled();
    await fireEvent.input(screen.getByLabelText(/^Members/), { target: { value: 'ada@example.com' } });
    await fireEvent.click(create);
    await waitFor(() =>
      expect(callsOf('create_team')).toEqual([{ org: 'o1', name: 'Data', description: null, members: ['ada@example.com'] }]),
    );
    // The team's page, with its member read live.
    expect(await screen.findByRole('heading', { name: 'Data', level: 1 })).toBeInTheDocument();
    expect(await screen.findByText('ada@example.com')).toBeInTheDocument();
    expect(callsOf('team_members')).toEqual([{ org: 'o1', team: 't-Data' }]);
    expect(await axeViolations()).toEqual([]);
  });

  it('adds and removes members, gives a role, renames and deletes with a confirmation', async () => {
    await renderApp();
    await open('Teams');
    await fireEvent.click(await screen.findByRole('button', { name: 'Open team Platform' }));
    expect(await screen.findByText('user1@example.com')).toBeInTheDocument();
    expect(screen.getByText('Invited')).toBeInTheDocument();

    await fireEvent.input(screen.getByLabelText('Emails to add'), { target: { value: 'grace@example.com' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(callsOf('add_to_team')).toEqual([{ org: 'o1', team: 't1', emails: ['grace@example.com'] }]));
    expect(await screen.findByText('grace@example.com')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Added 1 member.');

    await fireEvent.click(screen.getByRole('button', { name: 'Remove user1@example.com from the team' }));
    await waitFor(() => expect(screen.queryByText('user1@example.com')).toBeNull());
    expect(callsOf('remove_from_team')).toEqual([{ org: 'o1', team: 't1', emails: ['user1@example.com'] }]);

    await fireEvent.change(screen.getByLabelText('Role to give the team'), { target: { value: 'r-member' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Give role' }));
    await waitFor(() => expect(callsOf('set_team_role')).toEqual([{ org: 'o1', team: 't1', role: 'r-member' }]));
    expect(await screen.findByText('The team now gives its members Organization Member.')).toBeInTheDocument();

    await fireEvent.click(screen.getByRole('button', { name: 'Rename or describe' }));
    await fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'Platform team' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(callsOf('update_team')).toEqual([{ org: 'o1', team: 't1', name: 'Platform team', description: null }]),
    );
    expect(await screen.findByRole('heading', { name: 'Platform team', level: 1 })).toBeInTheDocument();

    await fireEvent.click(screen.getByRole('button', { name: 'Delete team' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete team?' });
    // Two members now: grace, and the pending invitation.
    expect(dialog).toHaveTextContent('2 members lose the roles the team gave them.');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Delete team' }));
    await waitFor(() => expect(callsOf('delete_team')).toEqual([{ org: 'o1', team: 't1' }]));
    expect(await screen.findByRole('heading', { name: 'Teams', level: 1 })).toBeInTheDocument();
    expect(await screen.findByText('No teams.')).toBeInTheDocument();
  });

  it('greys every team control out for a viewer', async () => {
    await renderApp({ setup: viewer });
    await open('Teams');
    await waitFor(() => expect(screen.getByRole('button', { name: 'New team' })).toBeDisabled());
    await fireEvent.click(await screen.findByRole('button', { name: 'Open team Platform' }));
    await screen.findByText('user1@example.com');
    for (const name of ['Rename or describe', 'Delete team', 'Give role', 'Add']) {
      expect(screen.getByRole('button', { name })).toBeDisabled();
    }
  });
});

describe('workspaces', { timeout: 30_000 }, () => {
  it('deactivates after a confirmation and shows the change in progress', async () => {
    await renderApp();
    await open('Workspaces');
    await fireEvent.click(await screen.findByRole('button', { name: 'Deactivate ws-available' }));
    const dialog = screen.getByRole('dialog', { name: 'Deactivate workspace?' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Deactivate' }));
    await waitFor(() =>
      expect(callsOf('set_workspace_state')).toEqual([{ org: 'o1', workspace: 'w2', state: 'deactivated' }]),
    );
    expect(await screen.findByRole('progressbar', { name: 'Deactivating ws-available' })).toBeInTheDocument();
    // A failed one says why, and offers both ways out.
    expect(screen.getByText('Failed: The server did not start')).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Activate ws-failed' }));
    await waitFor(() => expect(callsOf('set_workspace_state')[1]).toEqual({ org: 'o1', workspace: 'w3', state: 'available' }));
  });

  it('lists who holds what on a workspace, grants to a team and revokes', async () => {
    await renderApp();
    await open('Workspaces');
    await fireEvent.click(await screen.findByRole('button', { name: 'Access and settings (ws-available)' }));
    const row = (await screen.findByText('Platform')).closest('tr')!;
    expect(within(row).getByText('Team')).toBeInTheDocument();
    expect(within(row).getByText('Workspace Admin')).toBeInTheDocument();

    await fireEvent.input(screen.getByLabelText('Who'), { target: { value: 'ada@example.com' } });
    await fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'r-ws' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Give role' }));
    await waitFor(() =>
      expect(callsOf('grant_workspace_role')).toEqual([{ org: 'o1', workspace: 'w2', who: 'ada@example.com', role: 'r-ws' }]),
    );
    expect(await screen.findByText('ada@example.com')).toBeInTheDocument();
    expect(callsOf('workspace_access')).toHaveLength(2);

    await fireEvent.click(screen.getByRole('button', { name: 'Revoke Workspace Admin from Platform' }));
    await waitFor(() =>
      expect(callsOf('revoke_workspace_role')).toEqual([{ org: 'o1', workspace: 'w2', who: 't1', role: 'r-ws' }]),
    );
    await waitFor(() => expect(screen.queryByText('Platform')).toBeNull());
    expect(await axeViolations()).toEqual([]);
  });

  it('renames a workspace', async () => {
    await renderApp();
    await open('Workspaces');
    await fireEvent.click(await screen.findByRole('button', { name: 'Access and settings (ws-available)' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Rename or describe' }));
    await fireEvent.input(screen.getByLabelText(/^Description/), { target: { value: 'Production' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(callsOf('update_workspace')).toEqual([{ org: 'o1', workspace: 'w2', name: null, description: 'Production' }]),
    );
    expect(await screen.findByText('Production')).toBeInTheDocument();
  });
});

describe('a member\'s access', { timeout: 30_000 }, () => {
  it('opens from the member list: roles, teams and workspace roles through a team', async () => {
    await renderApp();
    await open('Members');
    await fireEvent.click(await screen.findByRole('button', { name: 'Access of User 1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Access of User 1' });
    await waitFor(() => expect(within(dialog).getByTestId('member-workspace-roles')).toHaveTextContent('Workspace Admin on ws-available through Platform'));
    expect(within(dialog).getByText('Platform')).toBeInTheDocument();
    expect(callsOf('member_access')).toEqual([{ org: 'o1', member: 'user1@example.com', account: null }]);
    expect(await axeViolations()).toEqual([]);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('lists the member record’s fields under Details, each with its value', async () => {
    await renderApp();
    await open('Members');
    await fireEvent.click(await screen.findByRole('button', { name: 'Access of User 3' }));
    const dialog = await screen.findByRole('dialog', { name: 'Access of User 3' });
    const details = within(dialog).getByTestId('member-details');
    const pairs = [...details.querySelectorAll('dt')].map((dt) => `${dt.textContent}: ${dt.nextElementSibling?.textContent}`);
    expect(pairs).toEqual(['Kind: user', 'Id: u3', 'Name: User 3', 'Email: user3@example.com', 'Label: User 3', 'Active: yes']);
    expect(await axeViolations()).toEqual([]);
  });
});

describe('invitations with several roles and teams', { timeout: 30_000 }, () => {
  it('invites with a workspace role and a team, and the pending list shows them all', async () => {
    await renderApp();
    await open('Invitations');
    await fireEvent.input(await screen.findByLabelText('Email addresses'), { target: { value: 'multi@example.com' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add a workspace role' }));
    const send = screen.getByRole('button', { name: 'Invite' });
    expect(send).toBeDisabled();
    await waitFor(() => expect(screen.getByLabelText('Workspace of workspace role 1')).toHaveTextContent('ws-available'));
    await fireEvent.change(screen.getByLabelText('Workspace of workspace role 1'), { target: { value: 'w2' } });
    await fireEvent.change(screen.getByLabelText('Role of workspace role 1'), { target: { value: 'r-ws' } });
    await fireEvent.click(await screen.findByLabelText('Platform'));
    expect(send).toBeEnabled();
    expect(await axeViolations()).toEqual([]);
    await fireEvent.click(send);
    await waitFor(() =>
      expect(callsOf('invite_with')).toEqual([
        {
          org: 'o1',
          emails: ['multi@example.com'],
          role: 'r-member',
          workspaceRoles: [{ workspace: 'w2', role: 'r-ws' }],
          teams: ['t1'],
        },
      ]),
    );
    const row = (await screen.findByText('multi@example.com', { selector: 'td *, td' })).closest('tr')!;
    expect(within(row).getByText('Organization Member')).toBeInTheDocument();
    expect(within(row).getByText('Workspace Admin on ws-available')).toBeInTheDocument();
    expect(within(row).getByText('Teams: Platform')).toBeInTheDocument();
    expect(callsOf('invite')).toHaveLength(0);
  });
});

describe('roles and service accounts', { timeout: 30_000 }, () => {
  it('opens a role and lists who holds it, and where', async () => {
    await renderApp();
    await open('Roles');
    await fireEvent.click(await screen.findByRole('button', { name: 'Who holds Workspace Admin' }));
    const row = (await screen.findByText('Platform')).closest('tr')!;
    expect(within(row).getByText('Workspace ws-available')).toBeInTheDocument();
    expect(callsOf('role_holders')).toEqual([{ org: 'o1', role: 'r-ws' }]);
    await fireEvent.click(screen.getByRole('button', { name: '← All roles' }));
    expect(await screen.findByText('Reads only')).toBeInTheDocument();
  });

  it('lists the service accounts, and says so when the server does not offer them', async () => {
    await renderApp();
    await open('Members');
    expect(callsOf('list_service_accounts')).toHaveLength(0);
    await fireEvent.click(await screen.findByRole('tab', { name: 'Service accounts' }));
    const row = (await screen.findByText('Runs the pipelines')).closest('tr')!;
    expect(within(row).getByText('ci-bot')).toBeInTheDocument();
    expect(within(row).getByText('Active')).toBeInTheDocument();
    expect(await axeViolations()).toEqual([]);

    backend.serviceAccounts = { ...backend.serviceAccounts, offered: false, reason: 'the server answered 404', items: [] };
    await fireEvent.click(screen.getByRole('tab', { name: 'Members' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Service accounts' }));
    expect(await screen.findByTestId('sa-not-offered')).toHaveTextContent(
      'This server does not offer a list of service accounts (the server answered 404).',
    );
  });
});
