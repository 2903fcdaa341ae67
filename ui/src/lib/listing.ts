// What a list the server would not show, or could not fully give, says to people. A hidden list is
// not an empty one: the server refused it to the user's role, so the page must not say "No …".
import { plural } from './format';

export const HIDDEN_LIST = 'Not visible to your role — the server did not let your role read this list.';

/** A count the app does not know because the list behind it is hidden. */
export const HIDDEN_COUNT = 'Not visible to your role';

/** "1 row could not be read", "3 rows could not be read". */
export function skippedRows(n: number): string {
  return `${plural(n, 'row')} could not be read`;
}
