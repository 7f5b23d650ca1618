/**
 * The part of a mail the customer wrote this time: what stands before the quoted history
 * ("On Tue, … Ann <ann@example.com> wrote:", Outlook's "From: … Sent: …" block, "-----Original
 * Message-----") and before a signature.
 *
 * Anyone can send this text, so it is read in one pass, line by line: a line is looked at
 * only when it is short enough to be a header or a separator, and every pattern is anchored
 * and free of nested or overlapping repetition. email-reply-parser, which this replaces,
 * ran backtracking regexes over the whole body: a 12 KB line froze the process for seconds.
 */

/** A quote header or separator is one short line (or two, when the client wrapped it). */
const MAX_MARKER_LINE = 300;
/** Lines after a signature delimiter that still count as a signature, not as more message. */
const MAX_SIGNATURE_LINES = 15;

/** How "… wrote:" ends in the languages mail clients write it in. */
const WROTE = [
  'wrote', 'writes', 'schrieb', 'écrit', 'escribió', 'scritto', 'escreveu', 'skrev', 'kirjoitti', 'schreef',
  'napisał', 'napisała', 'napisał(a)', 'pisze', 'написал', 'написала', 'napsal', 'írta', 'yazdı', 'έγραψε',
];
const WROTE_SUFFIXES = [...WROTE.flatMap((w) => [`${w}:`, `${w} :`]), '写道：', '写道:', '作成:', '작성:', 'のメッセージ:'];

/** Languages that name the writer after the verb: "Am 6. Jan. 2026 schrieb Helpdesk <…>:". */
const WROTE_BEFORE_NAME = [' schrieb ', ' skrev ', ' schreef ', ' kirjoitti ', ' napsal '];

/** Words an attribution line starts with ("On …", "Le …", "Am …"). */
const OPENERS = ['on', 'le', 'el', 'il', 'em', 'am', 'op', 'w dniu', 'dnia', 'den', 'pe', 'dne', 'в', 'ср', '在'];

/** Separators a client puts above the forwarded or quoted message. */
const SEPARATOR = /^-{2,12} ?(original message|oprindelig besked|message d'origine|ursprüngliche nachricht|mensaje original|messaggio originale|originalbericht|oorspronkelijk bericht|forwarded message|weitergeleitete nachricht|message transféré) ?-{0,12}$/i;
/** Outlook's header block: "From:" (or its translation) followed by "Sent:"/"Date:" within a few lines. */
const HEADER_FROM = /^\*?(from|von|de|da|van|od|från|fra|от) ?:/i;
const HEADER_NEXT = /^\*?(sent|date|to|subject|gesendet|datum|an|betreff|envoyé|date|à|objet|enviado|fecha|para|asunto|inviato|data|a|oggetto|verzonden|aan|onderwerp|skickat|ämne|sendt|emne) ?:/i;
/** Phones' and apps' signatures, alone on the last lines. */
const MOBILE_SIGNATURE = /^(sent from my |sent from outlook|get outlook for |von meinem .{1,40} gesendet|gesendet von |envoyé de mon |envoyé depuis |enviado desde |inviato da |verzonden vanaf |verstuurd vanaf |sendt fra |skickat från )/i;

const startsWithOpener = (line: string) => {
  const lower = line.toLowerCase();
  return OPENERS.some((word) => lower.startsWith(`${word} `) || lower.startsWith(`${word},`));
};

/** "On Tue, 6 Jan 2026 at 09:00, Ann <ann@example.com> wrote:" and its translations. */
function isAttribution(line: string): boolean {
  if (line.length > MAX_MARKER_LINE) return false;
  const lower = line.toLowerCase();
  const verbFirst = lower.endsWith(':') && startsWithOpener(line) && WROTE_BEFORE_NAME.some((verb) => lower.includes(verb));
  if (!verbFirst && !WROTE_SUFFIXES.some((suffix) => lower.endsWith(suffix))) return false;
  // A sentence of the customer's ending in "wrote:" is not a header: a header names a
  // date or an address, or starts the way clients write it.
  return startsWithOpener(line) || line.includes('@') || /\d/.test(line);
}

/** `trimmed` are the message's lines without surrounding blanks. */
function isOutlookHeader(trimmed: string[], at: number): boolean {
  if (trimmed[at]!.length > MAX_MARKER_LINE || !HEADER_FROM.test(trimmed[at]!)) return false;
  for (let next = at + 1; next < Math.min(trimmed.length, at + 5); next += 1) {
    if (trimmed[next]!.length <= MAX_MARKER_LINE && HEADER_NEXT.test(trimmed[next]!)) return true;
  }
  return false;
}

/** Where the quoted history starts, or the number of lines when there is none. */
function quoteStart(lines: string[]): number {
  const trimmed = lines.map((line) => line.trim());
  for (let at = 0; at < trimmed.length; at += 1) {
    const line = trimmed[at]!;
    if (line.length === 0 || line.length > MAX_MARKER_LINE) continue;
    if (isAttribution(line) || SEPARATOR.test(line) || isOutlookHeader(trimmed, at)) return at;
    // Clients wrap a long attribution: "On Tue, 6 Jan 2026, Ann Example\n<ann@example.com> wrote:".
    const next = trimmed[at + 1] ?? '';
    if (next && startsWithOpener(line) && isAttribution(`${line} ${next}`)) return at;
    // Outlook puts a line of underscores above its header block.
    if (/^_{20,}$/.test(line) && at + 1 < trimmed.length && isOutlookHeader(trimmed, at + 1)) return at;
  }
  return lines.length;
}

/** Where a signature starts in what is left, or the number of lines when there is none. */
function signatureStart(lines: string[]): number {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end -= 1;
  // "Sent from my iPhone" and the like, as the last line.
  if (end > 0 && lines[end - 1]!.length <= MAX_MARKER_LINE && MOBILE_SIGNATURE.test(lines[end - 1]!.trim())) end -= 1;
  // The delimiter "-- " (RFC 3676) above a few lines.
  for (let at = Math.max(0, end - MAX_SIGNATURE_LINES - 1); at < end; at += 1) {
    const line = lines[at]!;
    if (line === '-- ' || line === '--') return at;
  }
  return end;
}

/** Quoted lines (">") at the end: the history a client appended without a header. */
function trailingQuoteStart(lines: string[]): number {
  let at = lines.length;
  while (at > 0 && (lines[at - 1]!.trim() === '' || lines[at - 1]!.startsWith('>'))) at -= 1;
  return at;
}

/**
 * The reply as shown on the ticket. Returns the whole text when stripping would leave
 * nothing (a mail that is only a forward).
 */
export function visibleReply(text: string): string {
  const lines = text.split('\n');
  let kept = lines.slice(0, quoteStart(lines));
  kept = kept.slice(0, trailingQuoteStart(kept));
  kept = kept.slice(0, signatureStart(kept));
  const visible = kept.join('\n').trim();
  return visible || text.trim();
}
