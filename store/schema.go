package store

// schemaVersion is stored in PRAGMA user_version; a database written by a
// different version is refused rather than misread, except one of
// upgradable and later: version 4 lacks only usage_log, which the
// schema's CREATE TABLE IF NOT EXISTS adds, in the transaction that stamps
// this version; version 5 logs a row per increment, which upgradeLog adds
// to usage before the table is made again.
const (
	schemaVersion = 6
	upgradable    = 4
)

// applicationID is stored in PRAGMA application_id, the field of the SQLite
// header that names the program a database belongs to: "3SBX" in ASCII.
// A --db file that carries another, or holds tables without it, is another
// program's and is refused untouched. Databases written before it was
// stamped are recognised by their schema version and tables (dbfile.go).
const applicationID int32 = 0x33534258

// schema is the whole 3scale model, shaped after porta's tables. Ids are
// AUTOINCREMENT so that a deleted object's id (and the usage counters keyed
// by it) is never reused; services keep the string ids 3scale gives them.
// Listings follow id order (rowid for services), which is also the
// fixture's order. Times are Unix seconds. Fields, extra fields and
// annotations are JSON arrays of [name, value] pairs, in their order.
// Webhook delivery and email times are Unix milliseconds (*_ms): attempts
// and emails can be close together, and tests list emails in order.
// Messages, sessions, user tokens, emails and secrets live beside the
// catalog (their writes never rebuild it): the portals read them with
// queries. Counters and first-traffic times are stored as records
// appended to usage_log (one row per commit), at the end of the table
// whatever the world's size, and folded into usage and applications off
// the requests' path (usagelog.go): a counter is usage's value plus the
// log's records of it.
const schema = `
CREATE TABLE IF NOT EXISTS providers (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	name TEXT NOT NULL,
	provider_key TEXT NOT NULL UNIQUE,
	admin_username TEXT NOT NULL,
	admin_email TEXT NOT NULL,
	admin_password_hash TEXT NOT NULL,
	signups_enabled INTEGER NOT NULL,
	useraccountarea_enabled INTEGER NOT NULL DEFAULT 1,
	hide_service INTEGER NOT NULL DEFAULT 0,
	public_search INTEGER NOT NULL DEFAULT 0,
	account_plans_ui_visible INTEGER NOT NULL DEFAULT 0,
	change_account_plan_permission TEXT NOT NULL DEFAULT 'request',
	service_plans_ui_visible INTEGER NOT NULL DEFAULT 0,
	change_service_plan_permission TEXT NOT NULL DEFAULT 'request',
	enforce_sso INTEGER NOT NULL DEFAULT 0,
	webhooks_url TEXT NOT NULL DEFAULT '',
	webhooks_active INTEGER NOT NULL DEFAULT 0,
	webhooks_provider_actions INTEGER NOT NULL DEFAULT 0,
	webhooks_events TEXT NOT NULL DEFAULT '',
	account_fields TEXT NOT NULL DEFAULT '[]',
	user_fields TEXT NOT NULL DEFAULT '[]',
	application_fields TEXT NOT NULL DEFAULT '[]',
	created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS access_tokens (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	provider_id INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
	value TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	permission TEXT NOT NULL,
	scopes TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS services (
	id TEXT PRIMARY KEY,
	provider_id INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	system_name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	is_default INTEGER NOT NULL,
	state TEXT NOT NULL,
	backend_version TEXT NOT NULL,
	referrer_filters_required INTEGER NOT NULL,
	intentions_required INTEGER NOT NULL DEFAULT 0,
	buyers_manage_apps INTEGER NOT NULL DEFAULT 1,
	buyers_manage_keys INTEGER NOT NULL DEFAULT 1,
	custom_keys_enabled INTEGER NOT NULL DEFAULT 1,
	buyer_key_regenerate_enabled INTEGER NOT NULL DEFAULT 1,
	mandatory_app_key INTEGER NOT NULL DEFAULT 1,
	buyer_can_select_plan INTEGER NOT NULL DEFAULT 0,
	buyer_plan_change_permission TEXT NOT NULL DEFAULT 'request',
	support_email TEXT NOT NULL DEFAULT '',
	deployment_option TEXT NOT NULL DEFAULT 'hosted',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS service_tokens (
	token TEXT NOT NULL,
	service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
	PRIMARY KEY (token, service_id)
);
CREATE TABLE IF NOT EXISTS metrics (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	friendly_name TEXT NOT NULL,
	unit TEXT NOT NULL,
	description TEXT NOT NULL,
	parent_id INTEGER REFERENCES metrics(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL DEFAULT 0,
	updated_at INTEGER NOT NULL DEFAULT 0,
	UNIQUE (service_id, name)
);
CREATE TABLE IF NOT EXISTS plans (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	provider_id INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
	service_id TEXT REFERENCES services(id) ON DELETE CASCADE,
	type TEXT NOT NULL,
	name TEXT NOT NULL,
	system_name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	is_default INTEGER NOT NULL,
	state TEXT NOT NULL,
	approval_required INTEGER NOT NULL,
	setup_fee TEXT NOT NULL DEFAULT '0.0',
	cost_per_month TEXT NOT NULL DEFAULT '0.0',
	trial_period_days INTEGER,
	cancellation_period INTEGER NOT NULL DEFAULT 0,
	original_id INTEGER REFERENCES plans(id) ON DELETE SET NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS limits (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
	metric_id INTEGER NOT NULL REFERENCES metrics(id) ON DELETE CASCADE,
	period INTEGER NOT NULL,
	value INTEGER NOT NULL,
	created_at INTEGER NOT NULL DEFAULT 0,
	updated_at INTEGER NOT NULL DEFAULT 0,
	UNIQUE (plan_id, metric_id, period)
);
CREATE TABLE IF NOT EXISTS accounts (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	provider_id INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
	plan_id INTEGER NOT NULL REFERENCES plans(id),
	org_name TEXT NOT NULL,
	state TEXT NOT NULL,
	fields TEXT NOT NULL DEFAULT '[]',
	extra_fields TEXT NOT NULL DEFAULT '[]',
	annotations TEXT NOT NULL DEFAULT '[]',
	monthly_billing_enabled INTEGER NOT NULL DEFAULT 1,
	monthly_charging_enabled INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	username TEXT NOT NULL,
	email TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	role TEXT NOT NULL,
	state TEXT NOT NULL,
	fields TEXT NOT NULL DEFAULT '[]',
	extra_fields TEXT NOT NULL DEFAULT '[]',
	signup_type TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS service_contracts (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
	plan_id INTEGER NOT NULL REFERENCES plans(id),
	state TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (account_id, service_id)
);
CREATE TABLE IF NOT EXISTS applications (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
	plan_id INTEGER NOT NULL REFERENCES plans(id),
	name TEXT NOT NULL,
	description TEXT NOT NULL,
	state TEXT NOT NULL,
	app_id TEXT NOT NULL,
	user_key TEXT NOT NULL,
	provider_verification_key TEXT NOT NULL DEFAULT '',
	redirect_url TEXT NOT NULL,
	extra_fields TEXT NOT NULL DEFAULT '[]',
	first_traffic_at INTEGER,
	first_daily_traffic_at INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (service_id, app_id)
);
CREATE TABLE IF NOT EXISTS application_keys (
	application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
	value TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (application_id, value)
);
CREATE TABLE IF NOT EXISTS referrer_filters (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
	value TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (application_id, value)
);
CREATE TABLE IF NOT EXISTS messages (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	provider_id INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
	account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
	from_provider INTEGER NOT NULL,
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	state TEXT NOT NULL,
	origin TEXT NOT NULL DEFAULT 'web',
	sender_hidden_at INTEGER,
	created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS message_recipients (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
	account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
	read INTEGER NOT NULL DEFAULT 0,
	hidden_at INTEGER
);
CREATE INDEX IF NOT EXISTS message_recipients_by_account ON message_recipients (account_id, id);
CREATE TABLE IF NOT EXISTS invitations (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	email TEXT NOT NULL,
	token TEXT NOT NULL UNIQUE,
	sent_at INTEGER,
	accepted_at INTEGER,
	created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS user_tokens (
	token TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER
);
CREATE TABLE IF NOT EXISTS user_sessions (
	key TEXT PRIMARY KEY,
	provider_id INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
	user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
	portal TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	accessed_at INTEGER NOT NULL,
	revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS user_sessions_by_user ON user_sessions (user_id);
CREATE TABLE IF NOT EXISTS emails (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	provider_id INTEGER NOT NULL,
	to_address TEXT NOT NULL,
	from_address TEXT NOT NULL,
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	links TEXT NOT NULL DEFAULT '[]',
	kind TEXT NOT NULL,
	account_id INTEGER,
	created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS secrets (
	name TEXT PRIMARY KEY,
	value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS worlds (
	id TEXT PRIMARY KEY,
	provider_id INTEGER NOT NULL UNIQUE,
	source TEXT NOT NULL,
	fixture TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS usage (
	application_id INTEGER NOT NULL,
	metric_id INTEGER NOT NULL,
	period INTEGER NOT NULL,
	start INTEGER NOT NULL,
	value INTEGER NOT NULL,
	PRIMARY KEY (application_id, metric_id, period, start)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS usage_log (
	seq INTEGER PRIMARY KEY,
	n INTEGER NOT NULL,
	data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS errors (
	id INTEGER PRIMARY KEY,
	service_id TEXT NOT NULL,
	code TEXT NOT NULL,
	message TEXT NOT NULL,
	timestamp INTEGER NOT NULL,
	context TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS errors_by_service ON errors (service_id, id);
CREATE TABLE IF NOT EXISTS webhook_events (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	uuid TEXT NOT NULL UNIQUE,
	provider_id INTEGER NOT NULL,
	type TEXT NOT NULL,
	action TEXT NOT NULL,
	url TEXT NOT NULL,
	body TEXT NOT NULL,
	created_ms INTEGER NOT NULL,
	state TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_events_pending ON webhook_events (state, next_attempt_ms);
CREATE TABLE IF NOT EXISTS webhook_attempts (
	event_id INTEGER NOT NULL REFERENCES webhook_events(id) ON DELETE CASCADE,
	n INTEGER NOT NULL,
	at_ms INTEGER NOT NULL,
	status INTEGER NOT NULL,
	error TEXT NOT NULL,
	PRIMARY KEY (event_id, n)
);
CREATE TABLE IF NOT EXISTS webhook_failures (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	provider_id INTEGER NOT NULL,
	uuid TEXT NOT NULL,
	time INTEGER NOT NULL,
	error TEXT NOT NULL,
	url TEXT NOT NULL,
	event TEXT NOT NULL
);
`

// tables lists every table, children first, for Reset. secrets stay: they
// sign the portals' cookies, which a reset need not invalidate.
var tables = []string{
	"worlds", "webhook_failures", "webhook_attempts", "webhook_events", "errors", "usage_log", "usage", "emails", "user_sessions",
	"user_tokens", "invitations", "message_recipients", "messages",
	"referrer_filters", "application_keys", "applications", "service_contracts", "users",
	"accounts", "limits", "plans", "metrics", "service_tokens", "services", "access_tokens",
	"providers",
}
