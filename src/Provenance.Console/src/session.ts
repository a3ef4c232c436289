// The signed-in key lives in sessionStorage only: it goes with the tab, never into a URL, a cookie or a log.
import type { CurrentKey } from './api';

const KeyItem = 'provenance.apiKey';
let current: CurrentKey | null = null;

export const session = {
  key: (): string | null => sessionStorage.getItem(KeyItem),
  who: (): CurrentKey | null => current,
  signIn(key: string, who: CurrentKey): void {
    sessionStorage.setItem(KeyItem, key);
    current = who;
  },
  restore(who: CurrentKey): void {
    current = who;
  },
  signOut(): void {
    sessionStorage.removeItem(KeyItem);
    current = null;
  },
  /** Whether the signed-in key's role holds a permission (the registry's own table, sent by /v1/keys/me). */
  may: (permission: string): boolean => current?.permissions.includes(permission) ?? false,
};
