# Prints what apisonator answers for report timestamps: for each input, the
# hash Ruby's Date._parse returns and what Time.parse_to_utc
# (lib/3scale/backend/extensions/time.rb) makes of it. This is the oracle of
# ../answers.jsonl and of the table in ../../timestamp_test.go. It is not run
# by the tests, which need no Ruby. Run it with the date gem of apisonator's
# Ruby (3.3: date 3.3.4):
#
#   ruby -I DATE_GEM/ext/date -I DATE_GEM/lib parse_to_utc.rb --random 3000,1 forms.txt fuzzed.txt > ../answers.jsonl
#
# Each file holds one input a line as a JSON string: forms.txt the forms of
# the table in timestamp_test.go, fuzzed.txt what `go test -fuzz FuzzParse`
# found interesting (its valid UTF-8 inputs). --random COUNT,SEED makes up
# COUNT more (the same ones for the same SEED). Each output line is a JSON
# object:
#   in    the input
#   hash  Date._parse(in) with sorted keys, "error" if it raises
#   utc   parse_to_utc(in) in UNIX seconds, null for nil (apisonator then
#         uses the current time), "far+"/"far-" beyond ±10^13
# Integers of 2^62 or more are written SAT (-SAT): the Go side saturates.
require 'date'
require 'json'

# apisonator's Time.parse_to_utc, step by step.
def parse_to_utc(input)
  input = input.to_s
  begin
    return Time.at(Integer(input))
  rescue StandardError
  end
  begin
    parts = Date._parse(input)
    return nil unless parts.key?(:year) && parts.key?(:mon) && parts.key?(:mday)
    t = Time.utc(parts[:year], parts[:mon], parts[:mday], parts[:hour], parts[:min],
                 parts[:sec], parts[:sec_fraction])
    parts[:offset] ? t - parts[:offset] : t
  rescue StandardError
    nil
  end
end

SAT = 2**62

def show(v)
  case v
  when Integer then v >= SAT ? 'SAT' : v <= -SAT ? '-SAT' : v.to_s
  when Rational then "#{show(v.numerator)}/#{show(v.denominator)}"
  when nil then 'nil'
  else v.inspect
  end
end

def hash_of(input)
  h = Date._parse(input)
  h.keys.sort.map { |k| "#{k}=#{show(h[k])}" }.join(' ')
rescue StandardError
  'error'
end

def utc_of(input)
  t = parse_to_utc(input)
  return nil if t.nil?
  s = t.to_i
  return 'far+' if s > 10**13
  return 'far-' if s < -10**13
  s
end

PIECES = [
  '2024', '2026', '1999', '69', '68', '00', '01', '02', '12', '13', '22', '24', '29', '30', '31', '32',
  '0', '5', '9', '007', '123', '20240101', '240101', '20240101T100000', '100000', '1000', '20261122072630',
  '-', '+', '/', '.', ',', ':', "'", ' ', ' ', ' ', '  ', 'T', 't', 'Z', 'z', 'W', 'w', '-W', '--',
  'Jan', 'jan', 'January', 'Feb', 'feb.', 'Mar', 'May', 'Sep', 'Sept', 'Nov', 'Dec', 'dec',
  'Mon', 'Monday', 'Sun', 'sun,', 'Tue', 'Sat',
  '10:00', '10:00:00', '23:59:59', '24:00:00', '10:00:00.123', '10:00:00,5', '10:60', '10h', '10h30m',
  '10h30m15s', '10am', '10 pm', '12 a.m.', '10:00 pm', '0:00',
  'UTC', 'GMT', 'utc', 'CET', 'cest', 'JST', 'EST', 'PDT', 'A', 'M', 'Y', 'J', 'X',
  'Eastern Standard Time', 'W. Europe Daylight Time', 'CET dst', 'Tokyo',
  '+0000', '-0000', '+0200', '0200', '+02:00', '+02', '-05:30', '+5.5', '+05:30:15', 'GMT+2', 'UTC-5',
  'utc+02:00', '+123', '+12345', '[+9]', '[-5:EST]', '[5]', '[JST]',
  'bc', 'BC', 'b.c.', 'ad', 'a.d.', 'ce', 'bce',
  '1st', '2nd', '3rd', '4th', '22nd', 'th', 'st',
  'H31.04.30', 'R1.5.1', 'S64.1.7',
  'W47', '-W-7', '2026-W47-7', '--11-22', '--1122', '2026-326', '-326',
  'garbage', 'x', 'at', 'on', 'of', '@', '[', ']', 'é', 'ſ', 'ﬆ', 'Ⅰ', '٣', "\u00a0", "\t", "\n"
].freeze

CHARS = (('0'..'9').to_a * 4 + " :-+/.,'TtZzWwhmsapdcbejnuyrgtlvkoSMDPECJAHR[]@_#()".chars +
         ['ſ', 'ﬆ', 'é', "\u212a", 'Ⅰ', '٣', "\t", '  ']).freeze
WORDS = ['jan', 'feb', 'sep', 'mon', 'sun', 'dst', 'standard time', 'daylight time', 'utc', 'gmt',
         'bc', 'ad', 'st', 'nd', 'th', 'am', 'pm', 'a.m.'].freeze

# Half the made-up inputs are date-like pieces, with or without spaces
# between them; half are characters and words of dates in any order.
def random_input(rng)
  if rng.rand < 0.5
    Array.new(rng.rand(1..7)) { PIECES[rng.rand(PIECES.size)] }.join(rng.rand < 0.5 ? ' ' : '')
  else
    Array.new(rng.rand(1..30)) { rng.rand < 0.85 ? CHARS[rng.rand(CHARS.size)] : WORDS[rng.rand(WORDS.size)] }.join
  end
end

args = ARGV.dup
count, seed = 0, 1
if args.first == '--random'
  args.shift
  count, seed = args.shift.split(',').map(&:to_i)
end
forms = args.flat_map do |file|
  File.readlines(file, chomp: true).reject(&:empty?).map { |l| JSON.parse("[#{l}]")[0] }
end
rng = Random.new(seed)
inputs = forms + Array.new(count) { random_input(rng) }
seen = {}
inputs.each do |input|
  next if seen[input]
  seen[input] = true
  puts JSON.generate({ 'in' => input, 'hash' => hash_of(input), 'utc' => utc_of(input) })
end
