// Role gating: which controls a role allows, and the tooltip that names the roles needed.
export const MANAGE_ROLES = ['Organization Admin', 'Organization Manager'];
export const REQUIRES_MANAGER = `Requires ${MANAGE_ROLES.join(' or ')}`;
