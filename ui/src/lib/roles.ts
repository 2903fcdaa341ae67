// Role gating: the tooltip that names the roles needed, shown where the overview's `can_manage` is false
// (the cached roles are built-in ones known to lack the right). Otherwise the controls are on and the
// server decides; a refusal comes back as `forbidden`.
export const MANAGE_ROLES = ['Organization Admin', 'Organization Manager'];
export const REQUIRES_MANAGER = `Requires ${MANAGE_ROLES.join(' or ')}`;
