package store

// schemaVersion is stored in PRAGMA user_version; a database written by a
// different version is refused rather than misread.
const schemaVersion = 1

// schema is the whole 3scale model. Ids are SQLite rowids except where 3scale
// exposes a string id of its own (services, app_id). Positions keep the
// fixture's order, which is the order of usage reports and listings.
const schema = `
CREATE TABLE IF NOT EXISTS providers (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	provider_key TEXT NOT NULL UNIQUE,
	access_token TEXT NOT NULL,
	admin_username TEXT NOT NULL,
	admin_email TEXT NOT NULL,
	admin_password_hash TEXT NOT NULL,
	signup_enabled INTEGER NOT NULL,
	account_approval_required INTEGER NOT NULL,
	webhooks_url TEXT NOT NULL DEFAULT '',
	webhooks_active INTEGER NOT NULL DEFAULT 0,
	webhooks_provider_actions INTEGER NOT NULL DEFAULT 0,
	webhooks_events TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS services (
	id TEXT PRIMARY KEY,
	provider_id INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	name TEXT NOT NULL,
	system_name TEXT NOT NULL,
	is_default INTEGER NOT NULL,
	state TEXT NOT NULL,
	backend_version TEXT NOT NULL,
	referrer_filters_required INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS service_tokens (
	token TEXT NOT NULL,
	service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
	PRIMARY KEY (token, service_id)
);
CREATE TABLE IF NOT EXISTS metrics (
	id INTEGER PRIMARY KEY,
	service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	name TEXT NOT NULL,
	friendly_name TEXT NOT NULL,
	unit TEXT NOT NULL,
	description TEXT NOT NULL,
	parent_id INTEGER REFERENCES metrics(id) ON DELETE CASCADE,
	UNIQUE (service_id, name)
);
CREATE TABLE IF NOT EXISTS plans (
	id INTEGER PRIMARY KEY,
	service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	name TEXT NOT NULL,
	system_name TEXT NOT NULL,
	is_default INTEGER NOT NULL,
	state TEXT NOT NULL,
	approval_required INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS limits (
	plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
	metric_id INTEGER NOT NULL REFERENCES metrics(id) ON DELETE CASCADE,
	period INTEGER NOT NULL,
	value INTEGER NOT NULL,
	PRIMARY KEY (plan_id, metric_id, period)
);
CREATE TABLE IF NOT EXISTS accounts (
	id INTEGER PRIMARY KEY,
	provider_id INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	org_name TEXT NOT NULL,
	state TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
	id INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	username TEXT NOT NULL,
	email TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	role TEXT NOT NULL,
	state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS applications (
	id INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
	plan_id INTEGER NOT NULL REFERENCES plans(id),
	position INTEGER NOT NULL,
	name TEXT NOT NULL,
	description TEXT NOT NULL,
	state TEXT NOT NULL,
	app_id TEXT NOT NULL,
	user_key TEXT NOT NULL,
	redirect_url TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (service_id, app_id)
);
CREATE TABLE IF NOT EXISTS application_keys (
	application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (application_id, value)
);
CREATE TABLE IF NOT EXISTS referrer_filters (
	application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (application_id, value)
);
CREATE TABLE IF NOT EXISTS usage (
	application_id INTEGER NOT NULL,
	metric_id INTEGER NOT NULL,
	period INTEGER NOT NULL,
	start INTEGER NOT NULL,
	value INTEGER NOT NULL,
	PRIMARY KEY (application_id, metric_id, period, start)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS errors (
	id INTEGER PRIMARY KEY,
	service_id TEXT NOT NULL,
	code TEXT NOT NULL,
	message TEXT NOT NULL,
	timestamp INTEGER NOT NULL,
	context TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS errors_by_service ON errors (service_id, id);
`

// tables lists every table, children first, for Reset.
var tables = []string{
	"errors", "usage", "referrer_filters", "application_keys", "applications",
	"users", "accounts", "limits", "plans", "metrics", "service_tokens",
	"services", "providers",
}
