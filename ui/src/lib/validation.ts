// Client-side checks, run before anything is sent. The server checks again; these only save a round trip.

export const ORG_NAME_MAX = 50;
const ORG_NAME_RE = /^[A-Za-z0-9 _-]+$/;

/** Why an organization name is not acceptable, or null when it is. */
export function validateOrgName(name: string): string | null {
  const n = name.trim();
  if (n.length === 0) return 'Enter a name.';
  if (n.length > ORG_NAME_MAX) return `Use at most ${ORG_NAME_MAX} characters (this one has ${n.length}).`;
  if (!ORG_NAME_RE.test(n)) return 'Use only letters, digits, spaces, "-" and "_".';
  return null;
}

const EMAIL_RE = /^[^\s@,;<>()[\]\\"]+@[^\s@,;<>()[\]\\"]+\.[^\s@,;<>()[\]\\".]{2,}$/;

export function isEmail(s: string): boolean {
  return EMAIL_RE.test(s);
}

export interface EmailEntry {
  email: string;
  valid: boolean;
  duplicate: boolean;
}

/** Splits pasted text on commas, semicolons, whitespace and newlines; marks invalid and repeated ones. */
export function parseEmails(text: string): EmailEntry[] {
  const seen = new Set<string>();
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((email) => {
      const key = email.toLowerCase();
      const duplicate = seen.has(key);
      seen.add(key);
      return { email, valid: isEmail(email), duplicate };
    });
}
