package mgmt

// Error is an apisonator error: a code, its message, and the HTTP status of
// the error document that carries it. The same type carries rejection
// reasons (Status 409), which are written as a status document instead.
type Error struct {
	Code    string
	Message string
	Status  int
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// defaultBadRequest is apisonator's BadRequest text for malformed parameters.
const defaultBadRequest = "request contains syntax errors, should not be repeated without modification"

func newErr(status int, code, msg string) *Error {
	return &Error{Code: code, Message: msg, Status: status}
}

func errBadRequest(msg string) *Error { return newErr(400, "bad_request", msg) }

func errNotValidData() *Error { return newErr(422, "not_valid_data", "all data must be valid UTF8") }

func errProviderKeyInvalid(pk string) *Error {
	return newErr(403, "provider_key_invalid", `provider key "`+pk+`" is invalid`)
}

func errProviderKeyInvalidOrServiceMissing(pk string) *Error {
	return newErr(403, "provider_key_invalid_or_service_missing",
		`provider key "`+pk+`" invalid and/or service ID missing`)
}

func errProviderKeyOrServiceTokenRequired() *Error {
	return newErr(403, "provider_key_or_service_token_required", "Provider key or service token are required")
}

func errServiceTokenInvalid(token, sid string) *Error {
	return newErr(403, "service_token_invalid", `service token "`+token+`" or service id "`+sid+`" is invalid`)
}

func errServiceIDMissing() *Error { return newErr(422, "service_id_missing", "Service ID is missing") }

func errServiceIDInvalid(sid string) *Error {
	return newErr(403, "service_id_invalid", `service id "`+sid+`" is invalid`)
}

func errApplicationNotFound(id string) *Error {
	if blank(id) {
		return newErr(404, "application_not_found", "application id is missing")
	}
	return newErr(404, "application_not_found", `application with id="`+id+`" was not found`)
}

func errUserKeyInvalid(key string) *Error {
	if blank(key) {
		return newErr(403, "user_key_invalid", "user key is missing")
	}
	return newErr(403, "user_key_invalid", `user key "`+key+`" is invalid`)
}

func errAuthentication() *Error {
	return newErr(403, "authentication_error", "either app_id or user_key is allowed, not both")
}

func errMetricInvalid(name string) *Error {
	return newErr(404, "metric_invalid", `metric "`+name+`" is invalid`)
}

// errUsageValueInvalid takes the raw value; empty means it was blank or not
// a string at all.
func errUsageValueInvalid(metric, value string, isString bool) *Error {
	if !isString || blank(value) {
		return newErr(403, "usage_value_invalid", `usage value for metric "`+metric+`" can not be empty`)
	}
	return newErr(403, "usage_value_invalid", `usage value "`+value+`" for metric "`+metric+`" is invalid`)
}

func errEndUsers() *Error {
	return newErr(400, "end_users_no_longer_supported",
		"End-users are no longer supported, do not specify the user_id parameter")
}

func errContentTypeInvalid(ct string) *Error {
	return newErr(400, "content_type_invalid", "invalid Content-Type: "+ct)
}

func errTransactionsIsBlank() *Error {
	return newErr(400, "transactions_is_blank", "transactions parameter is blank")
}

func errTransactionsFormatInvalid() *Error {
	return newErr(400, "transactions_format_invalid", "transactions format is invalid")
}

func errTransactionsHasNil() *Error {
	return newErr(400, "transactions_has_nil_transaction", "transactions has a nil transaction")
}

func errTimestampTooOld() *Error {
	return newErr(403, "transaction_timestamp_too_old", "reporting transactions older than 86400 seconds is not allowed")
}

func errTimestampTooNew() *Error {
	return newErr(403, "transaction_timestamp_too_new",
		"reporting transactions more than 3600 seconds in the future is not allowed")
}

// Rejection reasons: denials written as <status> documents with HTTP 409.

func reasonKeyInvalid(key string) *Error {
	if blank(key) {
		return newErr(409, "application_key_invalid", "application key is missing")
	}
	return newErr(409, "application_key_invalid", `application key "`+key+`" is invalid`)
}

func reasonReferrer(ref string) *Error {
	if blank(ref) {
		return newErr(409, "referrer_not_allowed", "referrer is missing")
	}
	return newErr(409, "referrer_not_allowed", `referrer "`+ref+`" is not allowed`)
}

func reasonAppNotActive() *Error {
	return newErr(409, "application_not_active", "application is not active")
}

func reasonServiceNotActive() *Error {
	return newErr(409, "service_not_active", "service is not active")
}

func reasonLimitsExceeded() *Error {
	return newErr(409, "limits_exceeded", "usage limits are exceeded")
}

func reasonOAuthNotEnabled() *Error { return newErr(409, "oauth_not_enabled", "oauth is not enabled") }

func reasonRedirect(field, uri string) *Error {
	return newErr(409, field+"_invalid", field+` "`+uri+`" is invalid`)
}

// blank is Ruby's String#blank? as apisonator defines it: no non-space byte.
func blank(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isRubySpace(s[i]) {
			return false
		}
	}
	return true
}

// isRubySpace is Ruby's \s: space, \t, \n, \v, \f, \r.
func isRubySpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}
