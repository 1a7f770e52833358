# A test that drives threescale-sandbox's control API, with Ruby's standard
# library only (net/http, json, minitest): it resets the sandbox, freezes
# its clock before midnight, sees the day's limit deny an authrep and the
# journal say why, then moves the clock past midnight.
#
#   threescale-sandbox serve &
#   SANDBOX_URL=http://127.0.0.1:3000 ruby controls_test.rb
require "json"
require "minitest/autorun"
require "net/http"
require "uri"

BASE = (ENV["SANDBOX_URL"] || "http://127.0.0.1:3000").chomp("/")
AUTHREP = "/transactions/authrep.xml?provider_key=acme-provider-key&app_id=echo-app-id" \
          "&app_key=echo-app-key&referrer=www.example.com&usage%5Bhits%5D="

# Sends a request; returns the status and the decoded JSON answer (or nil).
def call(method, path, body = nil)
  uri = URI(BASE + path)
  req = Net::HTTP.const_get(method.capitalize).new(uri)
  if body
    req["Content-Type"] = "application/json"
    req.body = JSON.generate(body)
  end
  token = ENV["THREESCALE_SANDBOX_CONTROL_TOKEN"]
  req["Authorization"] = "Bearer #{token}" if token && path.start_with?("/_sandbox/")
  res = Net::HTTP.start(uri.host, uri.port) { |http| http.request(req) }
  json = res["Content-Type"].to_s.include?("json") ? JSON.parse(res.body) : nil
  [res.code.to_i, json]
end

class DailyLimitTest < Minitest::Test
  def test_daily_limit
    # A clean sandbox, its clock ten seconds before midnight.
    assert_equal 200, call("POST", "/_sandbox/reset")[0]
    _, clock = call("PUT", "/_sandbox/clock", { frozen: true, time: "2026-03-31T23:59:50Z" })
    assert_equal({ "now" => "2026-03-31T23:59:50.000Z", "frozen" => true }, clock)

    # The echo app's plan allows 1000 hits a day: 1001 are denied.
    assert_equal 409, call("GET", AUTHREP + "1001")[0]
    _, journal = call("GET", "/_sandbox/requests?limit=1&path=/transactions/authrep.xml")
    last = journal["requests"][0]
    assert_equal "limits_exceeded", last["error"]
    assert_equal "limits", last["decision"]["validator"]
    assert_equal "hits", last["decision"]["exceeded_limit"]["metric"]
    assert_equal "day", last["decision"]["exceeded_limit"]["period"]
    assert_equal 1000, last["decision"]["exceeded_limit"]["max"]

    # Past midnight, a new day: the hits fit again.
    _, clock = call("POST", "/_sandbox/clock/advance", { by: "15s" })
    assert_equal "2026-04-01T00:00:05.000Z", clock["now"]
    assert_equal 200, call("GET", AUTHREP + "5")[0]
  end
end
