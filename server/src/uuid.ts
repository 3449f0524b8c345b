/** A uuid as text, any case: what a user id, a session id or a JWT `sub` that names a user must be. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
