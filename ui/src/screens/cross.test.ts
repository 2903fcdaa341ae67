// The pages across organizations: Home (shown on start, a card per organization of every signed-in
// account, opening it), People (search, keyboard, paging) and a person (organizations, roles, invitations,
// the link to an organization's Members page), each rendered from the typed fake and checked with axe.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../test/axe';
import { backend, callsOf, emit } from '../test/fakeBackend';
import { renderApp } from '../test/render';

async function open(page: string) {
  await fireEvent.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: page }));
}

function cards() {
  return within(screen.getByRole('list', { name: 'Your organizations' })).getAllByRole('button');
}

// axe walks every element: a shorter member list keeps a run quick.
const fewMembers = () => void backend.members.splice(10, 240);

describe('Home', { timeout: 30_000 }, () => {
  it('is shown on start with one card per organization of every signed-in account', async () => {
    await renderApp({ setup: () => backend.addOtherAccount() });
    expect(await screen.findByRole('heading', { name: 'Home' })).toBeInTheDocument();
    await waitFor(() => expect(cards()).toHaveLength(4));
    expect(cards().map((c) => c.querySelector('.name')?.textContent)).toEqual(['alpha Inc', 'beta Inc', 'delta Inc', 'gamma Inc']);
    const alpha = screen.getByRole('button', { name: 'alpha Inc' });
    // The active organization's figures, from the fake's own lists.
    expect(within(alpha).getByTestId('card-members')).toHaveTextContent('Members: 251');
    expect(within(alpha).getByTestId('card-invitations')).toHaveTextContent('Pending invitations: 1');
    expect(within(alpha).getByTestId('card-workspaces')).toHaveTextContent(
      'Workspaces: 1 available · 1 deactivated · 1 deleted · 1 failed · 1 not initialized · 1 pending',
    );
    expect(alpha).toHaveTextContent('Pro');
    expect(alpha).toHaveTextContent('Open');
    expect(screen.getByRole('button', { name: 'delta Inc' })).toHaveTextContent('Account: other@other.example');
    expect(screen.getByText('4 organizations of 2 accounts')).toBeInTheDocument();
    expect(await axeViolations()).toEqual([]);
  });

  it('shows the first 30 cards and the rest when asked, focus on the first card added', async () => {
    await renderApp({
      setup: () => {
        for (let n = 4; n <= 40; n++) {
          const name = `org-${String(n).padStart(2, '0')}`;
          backend.orgs.push({ ...structuredClone(backend.orgs[1]), id: `o${n}`, name, display_name: name });
        }
      },
    });
    await waitFor(() => expect(cards()).toHaveLength(30));
    expect(screen.getByText('40 organizations')).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Show 10 more organizations' }));
    await waitFor(() => expect(cards()).toHaveLength(40));
    expect(screen.queryByRole('button', { name: /^Show .* more/ })).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(cards()[30]));
    expect(await axeViolations()).toEqual([]);
  });

  it('marks stale organizations and lists the role may not read', async () => {
    await renderApp({
      setup: () => {
        backend.staleOrgs.add('o2');
        backend.hide('list_members');
      },
    });
    await waitFor(() => expect(cards()).toHaveLength(3));
    const beta = screen.getByRole('button', { name: 'beta Inc' });
    expect(beta).toHaveTextContent(/As of .*, stale/);
    expect(screen.getByRole('button', { name: 'alpha Inc' })).not.toHaveTextContent('stale');
    expect(within(screen.getByRole('button', { name: 'alpha Inc' })).getByTestId('card-members')).toHaveTextContent(
      'Members: Not visible to your role',
    );
    expect(await axeViolations()).toEqual([]);
  });

  it('a click on a card opens its organization on its overview', async () => {
    await renderApp();
    await waitFor(() => expect(cards()).toHaveLength(3));
    await fireEvent.click(screen.getByRole('button', { name: 'gamma Inc' }));
    await waitFor(() => expect(callsOf('open_organization')).toEqual([{ accountId: 'acc1', org: 'o3' }]));
    expect(await screen.findByTestId('ov-name')).toHaveTextContent('gamma');
    const nav = screen.getByRole('navigation', { name: 'Organizations' });
    expect(within(nav).getByRole('button', { name: /gamma Inc/ })).toHaveAttribute('aria-current', 'true');
  });

  it('arrows move between cards and Enter opens one of another account', async () => {
    await renderApp({ setup: () => backend.addOtherAccount() });
    await waitFor(() => expect(cards()).toHaveLength(4));
    cards()[0].focus();
    await fireEvent.keyDown(cards()[0], { key: 'ArrowRight' });
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'delta Inc' }));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'beta Inc' }));
    await fireEvent.keyDown(document.activeElement!, { key: 'End' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'gamma Inc' }));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowLeft' });
    // A button's Enter is its click.
    await fireEvent.click(document.activeElement!);
    await waitFor(() => expect(callsOf('open_organization')).toEqual([{ accountId: 'acc2', org: 'o9' }]));
    // The window follows the other account: its organizations, and the overview of the one opened.
    expect(await screen.findByTestId('ov-name')).toHaveTextContent('delta');
    await waitFor(() => expect(callsOf('app_state').length).toBeGreaterThan(1));
  });

  it('reads again when any organization changed, and is reached from the navigation', async () => {
    await renderApp();
    await open('Overview');
    await screen.findByTestId('ov-name');
    await open('Home');
    await waitFor(() => expect(cards()).toHaveLength(3));
    const before = callsOf('home').length;
    emit({ kind: 'data_changed', account_id: 'acc2', org_id: 'o9', entities: ['members'] });
    await waitFor(() => expect(callsOf('home').length).toBe(before + 1));
  });

  it('choosing an organization on the side opens its overview', async () => {
    await renderApp();
    await waitFor(() => expect(cards()).toHaveLength(3));
    const nav = screen.getByRole('navigation', { name: 'Organizations' });
    // The active one too: from Home it opens.
    await fireEvent.click(within(nav).getByRole('button', { name: /alpha Inc/ }));
    expect(await screen.findByTestId('ov-name')).toHaveTextContent('alpha');
    await open('Home');
    await fireEvent.click(within(nav).getByRole('button', { name: /beta Inc/ }));
    await waitFor(() => expect(callsOf('switch_organization')).toEqual([{ org: 'o2' }]));
    expect(await screen.findByTestId('ov-name')).toHaveTextContent('beta');
  });

  it('Ctrl+Shift+P opens People and Ctrl+Shift+H Home', async () => {
    await renderApp();
    await fireEvent.keyDown(window, { key: 'P', ctrlKey: true, shiftKey: true });
    expect(await screen.findByRole('heading', { name: 'People' })).toBeInTheDocument();
    await fireEvent.keyDown(window, { key: 'H', ctrlKey: true, shiftKey: true });
    expect(await screen.findByRole('heading', { name: 'Home' })).toBeInTheDocument();
  });
});

describe('People', { timeout: 30_000 }, () => {
  it('lists everyone with their organizations, focused search, paged', async () => {
    await renderApp();
    await open('People');
    const search = screen.getByLabelText('Search people by name or email');
    await waitFor(() => expect(search).toHaveFocus());
    const list = await screen.findByRole('listbox', { name: 'People' });
    // 250 users, the bot and one pending invitation; 50 a page.
    expect(within(list).getAllByRole('option')).toHaveLength(50);
    expect(screen.getByTestId('people-scope')).toHaveTextContent('252 people in 3 organizations of 1 account, as of');
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(callsOf('people').at(-1)).toEqual({ query: { search: null, offset: 50, limit: 50 } }));
    expect(await screen.findByText('51–100 of 252')).toBeInTheDocument();
  });

  it('search filters after a pause; arrows move and Enter opens the person highlighted', async () => {
    await renderApp({ setup: fewMembers });
    await open('People');
    const search = screen.getByLabelText('Search people by name or email');
    await screen.findByRole('listbox', { name: 'People' });
    await fireEvent.input(search, { target: { value: 'user1' } });
    await waitFor(() => expect(callsOf('people').at(-1)).toEqual({ query: { search: 'user1', offset: 0, limit: 50 } }));
    // user10 and user1, in the order of their emails.
    await waitFor(() => expect(within(screen.getByRole('listbox')).getAllByRole('option')).toHaveLength(2));
    const [first, second] = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(first).toHaveTextContent('user10@example.com');
    expect(first).toHaveAttribute('aria-selected', 'true');
    expect(first).not.toHaveTextContent('beta');
    expect(second).toHaveTextContent('alpha: User');
    expect(second).toHaveTextContent('beta: User');
    await fireEvent.keyDown(search, { key: 'ArrowDown' });
    expect(second).toHaveAttribute('aria-selected', 'true');
    expect(first).toHaveAttribute('aria-selected', 'false');
    expect(search).toHaveAttribute('aria-activedescendant', second.id);
    await fireEvent.keyDown(search, { key: 'ArrowDown' });
    expect(second).toHaveAttribute('aria-selected', 'true');
    await fireEvent.keyDown(search, { key: 'Enter' });
    await waitFor(() => expect(callsOf('person')).toEqual([{ email: 'user1@example.com' }]));
    expect(await screen.findByRole('heading', { name: 'User 1', level: 1 })).toBeInTheDocument();
  });

  it('Enter right after typing opens the first match without waiting for the pause', async () => {
    await renderApp({ setup: fewMembers });
    await open('People');
    const search = screen.getByLabelText('Search people by name or email');
    await screen.findByRole('listbox', { name: 'People' });
    await fireEvent.input(search, { target: { value: 'pending@' } });
    await fireEvent.keyDown(search, { key: 'Enter' });
    await waitFor(() => expect(callsOf('person')).toEqual([{ email: 'pending@example.com' }]));
  });

  it('says when no one matches, marks stale organizations, and has nothing axe finds at fault', async () => {
    await renderApp({ setup: () => (fewMembers(), backend.staleOrgs.add('o1')) });
    await open('People');
    const list = await screen.findByRole('listbox', { name: 'People' });
    expect(within(list).getAllByText('(stale)').length).toBeGreaterThan(0);
    expect(screen.getByTestId('people-scope')).toHaveTextContent(/, stale$/);
    expect(await axeViolations()).toEqual([]);
    await fireEvent.input(screen.getByLabelText('Search people by name or email'), { target: { value: 'nobody at all' } });
    expect(await screen.findByText('No one matches.')).toBeInTheDocument();
    expect(await axeViolations()).toEqual([]);
  });

  it('with several accounts, says which account sees each organization', async () => {
    await renderApp({ setup: () => (fewMembers(), backend.addOtherAccount()) });
    await open('People');
    const list = await screen.findByRole('listbox', { name: 'People' });
    expect(screen.getByTestId('people-scope')).toHaveTextContent('in 4 organizations of 2 accounts');
    expect(within(list).getAllByText(/^alpha \(me@example\.com\): User/).length).toBeGreaterThan(0);
  });

  it('shows a read that failed, with a retry', async () => {
    await renderApp({ setup: () => backend.fail('people', 'internal', 'db locked') });
    await open('People');
    expect(await screen.findByText('Could not load the people.')).toBeInTheDocument();
  });
});

describe('a person', { timeout: 30_000 }, () => {
  async function openPersonPage(name: string) {
    await open('People');
    await fireEvent.click(await screen.findByRole('option', { name: new RegExp(`^${name} `) }));
  }

  it('shows each organization with roles, invitations, freshness and what is not cached', async () => {
    await renderApp({ setup: fewMembers });
    await openPersonPage('pending@example.com');
    const alpha = await screen.findByRole('region', { name: 'alpha' });
    expect(within(alpha).getByText('Invited')).toBeInTheDocument();
    expect(alpha.querySelector('dd.roles')).toHaveTextContent('Organization Member');
    expect(within(alpha).getByText('Teams of the invitation').nextElementSibling).toHaveTextContent('Platform');
    expect(within(alpha).getByRole('table', { name: 'Invitations to alpha' })).toHaveTextContent('pending');
    expect(within(alpha).getByText('Fetched').nextElementSibling).toHaveTextContent(/\d/);
    expect(screen.getByRole('heading', { name: 'Not shown offline' })).toBeInTheDocument();
    expect(screen.getByText(/marked "through a team"/)).toBeInTheDocument();
    expect(screen.getByRole('toolbar', { name: 'Actions on this person' })).toBeInTheDocument();
    expect(await axeViolations()).toEqual([]);
  });

  it('marks roles held through a team, lists every organization, and links to its Members page', async () => {
    await renderApp({ setup: fewMembers });
    await openPersonPage('User 1');
    await screen.findByRole('region', { name: 'alpha' });
    expect(screen.getAllByRole('region').map((r) => r.getAttribute('aria-labelledby') && within(r).getByRole('heading').textContent)).toEqual([
      'alpha',
      'beta',
      'gamma',
    ]);
    const alpha = screen.getByRole('region', { name: 'alpha' });
    expect(within(alpha).getByText('Organization Manager')).toHaveTextContent('(through a team)');
    expect(within(alpha).getByText('Organization Member')).not.toHaveTextContent('through a team');
    await fireEvent.click(within(screen.getByRole('region', { name: 'beta' })).getByRole('button', { name: 'Members of beta' }));
    await waitFor(() => expect(callsOf('open_organization')).toEqual([{ accountId: 'acc1', org: 'o2' }]));
    // The Members page of beta, searched for the person.
    await waitFor(() => expect(callsOf('list_members').at(-1)).toMatchObject({ org: 'o2', query: { search: 'user1@example.com' } }));
    expect(screen.getByRole('searchbox', { name: /Search/ })).toHaveValue('user1@example.com');
  });

  it('reads teams and workspace roles of one organization from the server, as the account that sees it', async () => {
    await renderApp({ setup: fewMembers });
    await openPersonPage('User 1');
    const gamma = await screen.findByRole('region', { name: 'gamma' });
    await fireEvent.click(within(gamma).getByRole('button', { name: 'Teams and workspace roles in gamma' }));
    await waitFor(() => expect(callsOf('member_access')).toEqual([{ org: 'o3', member: 'user1@example.com', account: 'acc1' }]));
    const dialog = await screen.findByRole('dialog', { name: /Access of User 1 in gamma/ });
    expect(await within(dialog).findByRole('heading', { name: 'Teams' })).toBeInTheDocument();
    expect(await axeViolations()).toEqual([]);
  });

  it('an email the cache does not know is said so', async () => {
    await renderApp({ setup: () => (fewMembers(), backend.fail('person', 'not_found', 'no one with the email user1@example.com')) });
    await openPersonPage('User 1');
    expect(await screen.findByText('Could not load this person.')).toBeInTheDocument();
    expect(screen.getByText('no one with the email user1@example.com')).toBeInTheDocument();
  });
});
