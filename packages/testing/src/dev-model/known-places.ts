/**
 * The little geography the demo model knows: big cities with their IANA time zones (so "time in
 * Tokyo" can become `Asia/Tokyo`, and "weather in paris" is found without a capital letter),
 * countries (so "Paris, France" stays one place), and the capitalised words that start questions
 * but are never places ("What", "Tell", "Compare"). Data only; deterministic on purpose.
 * @internal
 */

/** Cities by lower-case name, with their IANA time zone. */
export const knownCities: ReadonlyMap<string, { name: string; timeZone: string }> = new Map(
  (
    [
      ['Paris', 'Europe/Paris'],
      ['Lyon', 'Europe/Paris'],
      ['Marseille', 'Europe/Paris'],
      ['London', 'Europe/London'],
      ['Manchester', 'Europe/London'],
      ['Edinburgh', 'Europe/London'],
      ['Dublin', 'Europe/Dublin'],
      ['Berlin', 'Europe/Berlin'],
      ['Munich', 'Europe/Berlin'],
      ['Hamburg', 'Europe/Berlin'],
      ['Frankfurt', 'Europe/Berlin'],
      ['Madrid', 'Europe/Madrid'],
      ['Barcelona', 'Europe/Madrid'],
      ['Lisbon', 'Europe/Lisbon'],
      ['Rome', 'Europe/Rome'],
      ['Milan', 'Europe/Rome'],
      ['Amsterdam', 'Europe/Amsterdam'],
      ['Brussels', 'Europe/Brussels'],
      ['Zurich', 'Europe/Zurich'],
      ['Zürich', 'Europe/Zurich'],
      ['Geneva', 'Europe/Zurich'],
      ['Vienna', 'Europe/Vienna'],
      ['Prague', 'Europe/Prague'],
      ['Warsaw', 'Europe/Warsaw'],
      ['Kraków', 'Europe/Warsaw'],
      ['Krakow', 'Europe/Warsaw'],
      ['Stockholm', 'Europe/Stockholm'],
      ['Malmö', 'Europe/Stockholm'],
      ['Oslo', 'Europe/Oslo'],
      ['Copenhagen', 'Europe/Copenhagen'],
      ['Helsinki', 'Europe/Helsinki'],
      ['Athens', 'Europe/Athens'],
      ['Istanbul', 'Europe/Istanbul'],
      ['Moscow', 'Europe/Moscow'],
      ['Kyiv', 'Europe/Kyiv'],
      ['Cairo', 'Africa/Cairo'],
      ['Lagos', 'Africa/Lagos'],
      ['Nairobi', 'Africa/Nairobi'],
      ['Johannesburg', 'Africa/Johannesburg'],
      ['Cape Town', 'Africa/Johannesburg'],
      ['Casablanca', 'Africa/Casablanca'],
      ['Dubai', 'Asia/Dubai'],
      ['Tel Aviv', 'Asia/Jerusalem'],
      ['Jerusalem', 'Asia/Jerusalem'],
      ['Mumbai', 'Asia/Kolkata'],
      ['Delhi', 'Asia/Kolkata'],
      ['New Delhi', 'Asia/Kolkata'],
      ['Bangalore', 'Asia/Kolkata'],
      ['Bengaluru', 'Asia/Kolkata'],
      ['Karachi', 'Asia/Karachi'],
      ['Dhaka', 'Asia/Dhaka'],
      ['Bangkok', 'Asia/Bangkok'],
      ['Hanoi', 'Asia/Bangkok'],
      ['Jakarta', 'Asia/Jakarta'],
      ['Singapore', 'Asia/Singapore'],
      ['Kuala Lumpur', 'Asia/Kuala_Lumpur'],
      ['Manila', 'Asia/Manila'],
      ['Hong Kong', 'Asia/Hong_Kong'],
      ['Taipei', 'Asia/Taipei'],
      ['Beijing', 'Asia/Shanghai'],
      ['Shanghai', 'Asia/Shanghai'],
      ['Seoul', 'Asia/Seoul'],
      ['Tokyo', 'Asia/Tokyo'],
      ['Osaka', 'Asia/Tokyo'],
      ['Kyoto', 'Asia/Tokyo'],
      ['Sydney', 'Australia/Sydney'],
      ['Melbourne', 'Australia/Melbourne'],
      ['Brisbane', 'Australia/Brisbane'],
      ['Perth', 'Australia/Perth'],
      ['Auckland', 'Pacific/Auckland'],
      ['Honolulu', 'Pacific/Honolulu'],
      ['New York', 'America/New_York'],
      ['New York City', 'America/New_York'],
      ['NYC', 'America/New_York'],
      ['Boston', 'America/New_York'],
      ['Washington', 'America/New_York'],
      ['Miami', 'America/New_York'],
      ['Atlanta', 'America/New_York'],
      ['Toronto', 'America/Toronto'],
      ['Montreal', 'America/Toronto'],
      ['Chicago', 'America/Chicago'],
      ['Houston', 'America/Chicago'],
      ['Dallas', 'America/Chicago'],
      ['Denver', 'America/Denver'],
      ['Phoenix', 'America/Phoenix'],
      ['Los Angeles', 'America/Los_Angeles'],
      ['San Francisco', 'America/Los_Angeles'],
      ['LA', 'America/Los_Angeles'],
      ['SF', 'America/Los_Angeles'],
      ['Seattle', 'America/Los_Angeles'],
      ['Vancouver', 'America/Vancouver'],
      ['Mexico City', 'America/Mexico_City'],
      ['Bogotá', 'America/Bogota'],
      ['Bogota', 'America/Bogota'],
      ['Lima', 'America/Lima'],
      ['Santiago', 'America/Santiago'],
      ['Buenos Aires', 'America/Argentina/Buenos_Aires'],
      ['São Paulo', 'America/Sao_Paulo'],
      ['Sao Paulo', 'America/Sao_Paulo'],
      ['Rio de Janeiro', 'America/Sao_Paulo'],
      ['Reykjavik', 'Atlantic/Reykjavik'],
    ] as const
  ).map(([name, timeZone]) => [name.toLowerCase(), { name, timeZone }]),
);

/** Countries and regions that may follow a city after a comma ("Paris, France"). */
export const knownRegions: ReadonlySet<string> = new Set(
  (
    'france germany spain italy portugal uk england scotland wales ireland netherlands belgium ' +
    'switzerland austria poland sweden norway denmark finland greece turkey russia ukraine egypt ' +
    'nigeria kenya morocco japan china korea india pakistan thailand vietnam indonesia singapore ' +
    'malaysia philippines australia zealand usa us canada mexico brazil argentina chile peru ' +
    'colombia iceland israel uae california texas florida ontario quebec'
  ).split(' '),
);

/**
 * Time-zone abbreviations people write, with the IANA zone a tool wants. Ambiguous ones (`CST`,
 * `IST`) take their most common reading.
 */
export const zoneAbbreviations: ReadonlyMap<string, string> = new Map([
  ['utc', 'UTC'],
  ['gmt', 'UTC'],
  ['pst', 'America/Los_Angeles'],
  ['pdt', 'America/Los_Angeles'],
  ['mst', 'America/Denver'],
  ['cst', 'America/Chicago'],
  ['cdt', 'America/Chicago'],
  ['est', 'America/New_York'],
  ['edt', 'America/New_York'],
  ['bst', 'Europe/London'],
  ['cet', 'Europe/Paris'],
  ['cest', 'Europe/Paris'],
  ['ist', 'Asia/Kolkata'],
  ['jst', 'Asia/Tokyo'],
  ['aest', 'Australia/Sydney'],
]);

/**
 * Capitalised words that begin or fill questions but never name a place: question words,
 * requests, pronouns, greetings, days, months, and the vocabulary of common tools. A name whose
 * first or last word is one of these loses that word ("Compare Paris" is Paris, "London Weather"
 * is London).
 */
export const notPlaceWords: ReadonlySet<string> = new Set(
  // questions, requests, politeness
  (
    'what whats which who whom whose when where wheres why how hows is are was were will ' +
    'would could should can cant do does did dont has have had may might must shall please kindly ' +
    'tell give show get find look check compare convert calculate compute work figure search read ' +
    'list open send fetch translate explain describe summarize summarise write make create add ' +
    'remove delete update set book plan help let lets need want try ask answer see say use run ' +
    'call take bring go going is it its thanks thank ok okay yes no sure great hi hello hey dear ' +
    'good morning afternoon evening night also then and but or so now just quick quickly again ' +
    'any every each all both some one two three first second next last latest current currently ' +
    'today tomorrow tonight yesterday weekend week month year day days ' +
    // pronouns and determiners
    'i im ive id ill me my mine we our us you your yours he she they them their this that ' +
    'these those there here a an the of in on at for from to by with about ' +
    // days and months
    'monday tuesday wednesday thursday friday saturday sunday january february march april june ' +
    'july august september october november december ' +
    // tool vocabulary that is capitalised at the start of a request
    'weather forecast temperature temp rain snow wind humidity time date clock timezone zone ' +
    'celsius fahrenheit kelvin degrees degree unit units file files folder folders document ' +
    'email mail message news price stock currency distance note notes report todo'
  ).split(/\s+/),
);
