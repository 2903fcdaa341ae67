// The fake Rust side's service accounts and their API keys: held in memory (the accounts in the
// backend's `serviceAccounts`, so a test can replace the list), each write announcing `members` as the
// app does. A key's value is returned by the command that made it, and by nothing else; `values` keeps
// every value handed out so a test can check none of them reappears anywhere.
import type { CommandHandlers } from '../lib/bindings/commands';
import type { ApiKeyView, Entity, NewApiKeyView, ServiceAccountView } from '../lib/api';
import type { FakeBackend } from './fakeBackend';

export const TOKENS_OUTLIVE = 'Tokens already issued stay valid for up to an hour.';

type Handlers = Pick<
  CommandHandlers,
  | 'list_service_accounts'
  | 'service_account_adoption_note'
  | 'create_service_account'
  | 'set_service_account_active'
  | 'delete_service_account'
  | 'list_api_keys'
  | 'create_api_key'
  | 'rotate_api_key'
  | 'set_api_key_active'
  | 'delete_api_key'
>;

const T0 = '2025-01-10T09:00:00Z';

function notFound(what: string): never {
  throw { code: 'not_found', message: `no ${what}`, fields: [] };
}

export class FakeServiceAccounts {
  /** Service account id → its keys. */
  keys = new Map<string, ApiKeyView[]>();
  /** Every key value handed out, in order. */
  values: string[] = [];
  /** The rotations asked, with the retention sent. */
  rotations: { key: string; retainMinutes: number | null }[] = [];
  private next = 1;

  reset() {
    this.keys = new Map([
      [
        'sa1',
        [
          {
            id: 'k1',
            name: 'ci',
            description: 'Used by the pipelines',
            active: true,
            last_used: T0,
            expires: '2030-01-01T00:00:00Z',
            created: T0,
          },
        ],
      ],
    ]);
    this.values = [];
    this.rotations = [];
    this.next = 1;
  }

  private value(): string {
    const v = `ZENPROKEY_fake${String(this.next++).padStart(4, '0')}secret`;
    this.values.push(v);
    return v;
  }

  handlers(b: FakeBackend, changed: (org: string | null, entities: Entity[]) => void): Handlers {
    const accounts = () => b.serviceAccounts.items;
    const account = (idOrName: string): ServiceAccountView =>
      accounts().find((a) => a.id === idOrName || a.name === idOrName) ?? notFound(`service account ${idOrName}`);
    const keysOf = (sa: ServiceAccountView) => this.keys.get(sa.id) ?? [];
    const key = (sa: ServiceAccountView, idOrName: string): ApiKeyView =>
      keysOf(sa).find((k) => k.id === idOrName || k.name === idOrName) ?? notFound(`API key ${idOrName}`);
    const count = (sa: ServiceAccountView) => (sa.key_count = keysOf(sa).length);
    const orgId = (org: string | null) => org ?? b.orgs.find((o) => o.active)?.id ?? null;
    return {
      list_service_accounts: () => structuredClone(b.serviceAccounts),
      service_account_adoption_note: ({ username }) =>
        `If a workspace has a service account named “${username}”, this account takes it over, with its history and its old keys, at its first login to that workspace.`,
      create_service_account: ({ org, username, description }) => {
        if (accounts().some((a) => a.name === username)) {
          throw { code: 'conflict', message: `a service account named ${username} exists`, fields: [] };
        }
        const sa: ServiceAccountView = {
          id: `sa-${username}`,
          name: username,
          description,
          active: true,
          last_login: null,
          key_count: 0,
          roles: [],
        };
        accounts().push(sa);
        this.keys.set(sa.id, []);
        changed(orgId(org), ['members']);
        return structuredClone(sa);
      },
      set_service_account_active: ({ org, serviceAccount, active }) => {
        const sa = account(serviceAccount);
        sa.active = active;
        changed(orgId(org), ['members']);
        return structuredClone(sa);
      },
      delete_service_account: ({ org, serviceAccount }) => {
        const sa = account(serviceAccount);
        b.serviceAccounts.items = accounts().filter((a) => a.id !== sa.id);
        this.keys.delete(sa.id);
        changed(orgId(org), ['members']);
      },
      list_api_keys: ({ serviceAccount }) => structuredClone(keysOf(account(serviceAccount))),
      create_api_key: ({ org, serviceAccount, name, description, expiresInMinutes }) => {
        const sa = account(serviceAccount);
        if (keysOf(sa).some((k) => k.name === name)) {
          throw { code: 'conflict', message: `a key named ${name} exists`, fields: [] };
        }
        const now = new Date();
        const k: ApiKeyView = {
          id: `k-${name}`,
          name,
          description,
          active: true,
          last_used: null,
          expires: expiresInMinutes ? new Date(now.getTime() + expiresInMinutes * 60_000).toISOString() : null,
          created: now.toISOString(),
        };
        this.keys.set(sa.id, [...keysOf(sa), k]);
        count(sa);
        changed(orgId(org), ['members']);
        const made: NewApiKeyView = { key: structuredClone(k), value: this.value() };
        return made;
      },
      rotate_api_key: ({ org, serviceAccount, key: which, retainMinutes }) => {
        const sa = account(serviceAccount);
        const k = key(sa, which);
        this.rotations.push({ key: k.id, retainMinutes });
        changed(orgId(org), ['members']);
        return { key: structuredClone(k), value: this.value() };
      },
      set_api_key_active: ({ org, serviceAccount, key: which, active }) => {
        const k = key(account(serviceAccount), which);
        k.active = active;
        changed(orgId(org), ['members']);
        return structuredClone(k);
      },
      delete_api_key: ({ org, serviceAccount, key: which }) => {
        const sa = account(serviceAccount);
        const k = key(sa, which);
        this.keys.set(
          sa.id,
          keysOf(sa).filter((x) => x.id !== k.id),
        );
        count(sa);
        changed(orgId(org), ['members']);
      },
    };
  }
}
