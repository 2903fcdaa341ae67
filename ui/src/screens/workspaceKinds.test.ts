// Workspaces of every kind in the window: a Kitaru workspace shows its type and its server's URL, its
// "Open in dashboard" asks the app for that workspace's page (the app picks Kitaru's dashboard), a
// type the app does not know is shown as its text, and Home counts the workspaces by type.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../lib/api';
import { backend, callsOf } from '../test/fakeBackend';
import { openPage, renderApp } from '../test/render';

function workspace(id: string, name: string, type: string, label: string, server: string | null): Workspace {
  return {
    id,
    name,
    display_name: null,
    status: 'available',
    desired_state: null,
    state_reason: null,
    description: null,
    workspace_type: type,
    type_label: label,
    version: null,
    server_url: server,
    dashboard_url: `https://kitaru.example/organizations/o1/workspaces/${name}`,
  };
}

function addKinds() {
  backend.workspaces.push(
    workspace('wk', 'agents', 'kitaru', 'Kitaru', 'https://agents-kitaru.example.com'),
    workspace('wx', 'lab', 'agent-lab', 'agent-lab', null),
  );
}

const card = (name: string) => screen.getByText(name, { selector: 'h2' }).closest('li')!;

describe('workspaces of every kind', () => {
  it('shows each workspace type, the Kitaru server URL, and opens a Kitaru workspace in the dashboard', async () => {
    await renderApp({ setup: addKinds });
    await openPage('Workspaces');
    await screen.findByText('agents');
    expect(within(card('agents')).getByTestId('ws-type')).toHaveTextContent('Kitaru');
    expect(within(card('agents')).getByText('https://agents-kitaru.example.com')).toBeInTheDocument();
    expect(within(card('ws-available')).getByTestId('ws-type')).toHaveTextContent('ZenML');
    // An unknown type is its text, not an error; no URL is a dash.
    expect(within(card('lab')).getByTestId('ws-type')).toHaveTextContent('agent-lab');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Open in dashboard (agents)' }));
    await waitFor(() => expect(callsOf('open_in_dashboard')).toEqual([{ org: 'o1', workspace: 'wk' }]));
    // The workspace's own page names its type too.
    await fireEvent.click(screen.getByRole('button', { name: 'Access and settings (agents)' }));
    expect(await screen.findByTestId('ws-page-type')).toHaveTextContent('Kitaru workspace');
  });

  it('Home counts the workspaces by type when some are not ZenML workspaces', async () => {
    await renderApp({ setup: addKinds });
    const alpha = await screen.findByRole('button', { name: 'alpha Inc' });
    await waitFor(() =>
      expect(within(alpha).getByTestId('card-workspace-kinds')).toHaveTextContent('By type: 6 ZenML · 1 Kitaru · 1 agent-lab'),
    );
  });

  it('Home says nothing more when every workspace is a ZenML workspace', async () => {
    await renderApp();
    const alpha = await screen.findByRole('button', { name: 'alpha Inc' });
    expect(within(alpha).getByTestId('card-workspaces')).toBeInTheDocument();
    expect(within(alpha).queryByTestId('card-workspace-kinds')).not.toBeInTheDocument();
  });
});
